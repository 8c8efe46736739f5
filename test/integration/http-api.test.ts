/** The HTTP API end to end: auth, the plant model, a malformed batch, reads, OpenAPI and the live stream. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type TestPlatform, seedLine, startTestPlatform } from '../helpers/platform.js';

let p: TestPlatform;
const press = 'acme/plant1/stamping/line1/press3';
const T0 = Date.parse('2026-03-01T00:00:00Z');

beforeAll(async () => {
  p = await startTestPlatform({ GEMBA_MQTT_ENABLED: 'false' });
  await seedLine(p, ['oil_temp', 'pressure']);
});
afterAll(async () => {
  await p[Symbol.asyncDispose]();
});

describe('authentication and roles', () => {
  it('leaves only health open', async () => {
    expect((await p.api('/health', { token: null })).status).toBe(200);
    const r = await p.api('/assets', { token: null });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('unauthenticated');
    expect((await p.api('/openapi.json', { token: null })).status).toBe(401);
    expect((await p.api('/assets', { token: 'gmb_not-a-real-token' })).status).toBe(401);
  });

  it('enforces roles: a viewer reads but cannot write; revoked tokens stop working', async () => {
    const created = await p.api('/tokens', { body: { name: 'wall screen', role: 'viewer' } });
    expect(created.status).toBe(200);
    const viewer = created.body.token as string;
    expect((await p.api('/tags', { token: viewer })).status).toBe(200);
    const denied = await p.api('/samples', { token: viewer, body: { samples: [] } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/operator/);
    expect((await p.api('/tokens/revoke', { body: { id: created.body.info.id } })).body).toEqual({
      revoked: true,
    });
    expect((await p.api('/tags', { token: viewer })).status).toBe(401);
  });

  it('audits changes with who made them', async () => {
    const r = await p.api('/audit?limit=50');
    const ops = (r.body.entries as Array<{ operation: string; principal: string }>).map((e) => e.operation);
    expect(ops).toContain('assets.create');
    expect(ops).toContain('tokens.revoke');
  });
});

describe('the plant model', () => {
  it('refuses an asset whose parent is missing or whose ISA-95 level is out of order', async () => {
    const orphan = await p.api('/assets', { body: { path: 'acme/plant9/x', level: 'area', name: 'x' } });
    expect(orphan.status).toBe(404);
    const upside = await p.api('/assets', { body: { path: `${press}/sub`, level: 'line', name: 'sub' } });
    expect(upside.status).toBe(400);
    const dup = await p.api('/assets', { body: { path: press, level: 'equipment', name: 'again' } });
    expect(dup.status).toBe(409);
    const bad = await p.api('/assets', { body: { path: 'acme/has space', level: 'site', name: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/path/);
  });

  it('lists the tree and tags below a path', async () => {
    const assets = (await p.api('/assets?under=acme/plant1/stamping')).body.assets as Array<{ path: string }>;
    expect(assets.map((a) => a.path)).toEqual(['acme/plant1/stamping', 'acme/plant1/stamping/line1', press]);
    const tags = (await p.api(`/tags?under=${press}`)).body.tags as Array<{ path: string; spec: unknown }>;
    expect(tags.map((t) => t.path)).toEqual([`${press}/oil_temp`, `${press}/pressure`]);
    expect(tags[0]?.spec).toEqual({ lsl: 20, usl: 80 });
  });
});

describe('writing samples', () => {
  it('stores the good samples of a malformed batch and dead-letters only the bad ones', async () => {
    const good = Array.from({ length: 100 }, (_, i) => ({
      tag: `${press}/oil_temp`,
      ts: T0 + i * 1000,
      value: 40 + i,
    }));
    const bad = [
      { tag: `${press}/oil_temp`, ts: 'yesterday', value: 1 },
      { tag: `${press}/nope`, ts: T0, value: 1 },
      { tag: `${press}/oil_temp`, ts: T0, value: 'hot' },
      'not even an object',
    ];
    const samples = [...good.slice(0, 50), ...bad, ...good.slice(50)];
    const before = (await p.api('/dead-letters')).body.total as number;
    const r = await p.api('/samples', { body: { samples } });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(100);
    expect(r.body.rejected).toBe(4);
    expect(r.body.errors.map((e: { index: number }) => e.index)).toEqual([50, 51, 52, 53]);
    expect(r.body.errors[1].reason).toMatch(/unknown tag/);

    const read = await p.api(`/samples?tag=${press}/oil_temp&from=${T0}&to=${T0 + 100_000}`);
    expect(read.body.samples).toHaveLength(100);
    expect(read.body.samples[99]).toEqual({ ts: T0 + 99_000, value: 139, quality: 'good' });

    const dl = await p.api('/dead-letters?limit=4');
    expect(dl.body.total).toBe(before + 4);
    expect(dl.body.deadLetters.map((d: { reason: string }) => d.reason).join('\n')).toMatch(/ts:.*\n?.*/);
  });

  it('refuses unparsable JSON with 400 and dead-letters the body', async () => {
    const before = (await p.api('/dead-letters')).body.total as number;
    const r = await p.api('/samples', { body: '{"samples": [' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_input');
    const after = await p.api('/dead-letters?limit=1');
    expect(after.body.total).toBe(before + 1);
    expect(after.body.deadLetters[0].payload).toBe('{"samples": [');
  });

  it('downsamples into aligned buckets with known aggregates', async () => {
    // 100 samples 1 s apart, values 40..139: ten 10-s buckets, the k-th holds 40+10k .. 49+10k.
    const r = await p.api(
      `/samples/buckets?tag=${press}/oil_temp&from=${T0}&to=${T0 + 100_000}&bucketMs=10000`,
    );
    expect(r.status).toBe(200);
    expect(r.body.buckets).toHaveLength(10);
    expect(r.body.buckets[3]).toEqual({
      ts: T0 + 30_000,
      count: 10,
      min: 70,
      max: 79,
      avg: 74.5,
      last: 79,
      quality: 'good',
    });
  });

  it('returns the latest value per tag', async () => {
    await p.api('/samples', {
      body: {
        samples: [{ tag: `${press}/pressure`, ts: '2026-03-01T00:00:05Z', value: 210, quality: 'uncertain' }],
      },
    });
    const r = await p.api(`/samples/latest?under=${press}`);
    expect(r.body.samples).toEqual([
      { tag: `${press}/oil_temp`, ts: T0 + 99_000, value: 139, quality: 'good' },
      { tag: `${press}/pressure`, ts: T0 + 5000, value: 210, quality: 'uncertain' },
    ]);
    const one = await p.api(`/samples/latest?tags=${press}/pressure`);
    expect(one.body.samples).toHaveLength(1);
  });

  it('explains bad query input', async () => {
    const r = await p.api(`/samples?tag=${press}/oil_temp&from=now&to=now-1h`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/"to" must be after "from"/);
    const unknown = await p.api(`/samples?tag=${press}/missing`);
    expect(unknown.status).toBe(404);
  });
});

describe('events', () => {
  it('records machine states and alarms and filters them by asset prefix and kind', async () => {
    const r = await p.api('/events', {
      body: {
        events: [
          { kind: 'machine_state', ts: T0, asset: press, state: 'down', reason: 'bearing_overheat' },
          {
            kind: 'alarm',
            ts: T0 + 1,
            asset: press,
            code: 'spc.nelson.1',
            severity: 'high',
            state: 'raised',
          },
          { kind: 'machine_state', ts: T0, asset: press, state: 'exploded' },
        ],
      },
    });
    expect(r.body).toMatchObject({ accepted: 2, rejected: 1 });
    const list = await p.api(`/events?under=${press}&from=${T0 - 1}&to=${T0 + 10}&kinds=machine_state`);
    expect(list.body.events).toHaveLength(1);
    expect(list.body.events[0]).toMatchObject({ state: 'down', reason: 'bearing_overheat' });
    const none = await p.api(`/events?under=acme/plant1/machining&from=${T0 - 1}&to=${T0 + 10}`);
    expect(none.body.events).toHaveLength(0);
  });
});

describe('the OpenAPI document', () => {
  it('describes every operation with its permission', async () => {
    const r = await p.api('/openapi.json');
    expect(r.body.openapi).toBe('3.1.0');
    const ops = Object.values(
      r.body.paths as Record<string, Record<string, { operationId: string }>>,
    ).flatMap((m) => Object.values(m).map((o) => o.operationId));
    for (const op of p.app.operations) expect(ops).toContain(op.name);
    const write = r.body.paths['/api/v1/samples'].post;
    expect(write['x-gemba-permission']).toBe('operator');
    expect(JSON.stringify(write.requestBody)).toMatch(/quality/);
  });
});

describe('the live stream', () => {
  it('pushes stored samples of subscribed tags over the WebSocket', async () => {
    const ws = new WebSocket(`${p.url.replace('http', 'ws')}/api/v1/stream?token=${p.adminToken}`);
    const messages: any[] = [];
    ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString('utf8'))));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'subscribe', tags: [`${press}/pressure`] }));
    await expect.poll(() => messages.some((m) => m.type === 'subscribed'), { timeout: 20_000 }).toBe(true);
    await p.api('/samples', {
      body: {
        samples: [
          { tag: `${press}/pressure`, ts: T0 + 9000, value: 205 },
          { tag: `${press}/oil_temp`, ts: T0 + 9000, value: 41 },
        ],
      },
    });
    await expect
      .poll(() => messages.find((m) => m.type === 'samples'))
      .toEqual({
        type: 'samples',
        samples: [{ tag: `${press}/pressure`, ts: T0 + 9000, value: 205, quality: 'good' }],
      });
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
  });

  it('closes a stream without a valid token', async () => {
    const ws = new WebSocket(`${p.url.replace('http', 'ws')}/api/v1/stream?token=wrong`);
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(4401);
  });
});

describe('SPC over HTTP', () => {
  it('builds a control chart with run rules from posted data, and names a bad field', async () => {
    // Montgomery's viscosity values (p. 242 of the qcc reference): I chart centre 33.52333, limits 32.24484 / 34.80183.
    const values = [
      33.75, 33.05, 34, 33.81, 33.46, 34.02, 33.68, 33.27, 33.49, 33.2, 33.62, 33.0, 33.54, 33.12, 33.84,
    ];
    const r = await p.api('/spc/chart', { body: { type: 'i-mr', values: [...values, 36.5], phaseOne: 15 } });
    expect(r.status).toBe(200);
    expect(r.body.charts[0].center).toBeCloseTo(33.52333, 5);
    expect(r.body.charts[0].limits.ucl).toBeCloseTo(34.80183, 5);
    expect(r.body.findings).toContainEqual(
      expect.objectContaining({ index: 15, rule: 'nelson.1', statistic: 'i' }),
    );
    const bad = await p.api('/spc/chart', { body: { type: 'p', counts: [1, 2], sizes: 'fifty' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/sizes/);
  });
});
