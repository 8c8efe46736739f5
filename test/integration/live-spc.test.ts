/**
 * Live SPC over the real platform: a chart attached to a tag evaluates each subgroup as samples are stored,
 * raises and clears alarms (API, event log, WebSocket), keeps its points, and carries its state across a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/server/config.js';
import { createPlatform } from '../../src/server/platform.js';
import { groupBy, readSpcFixture } from '../helpers/spc-fixtures.js';
import { PRESS3, type TestPlatform, seedLine, startTestPlatform, tempDir } from '../helpers/platform.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
/** Generous: the suite shares two cores with the other integration tests. */
/** Generous: on 2 busy cores (other test files, a killed child process, worker threads) a reply can take seconds. */
const POLL = { timeout: 20_000 } as const;
const TAG = `${PRESS3}/flange_height`;
/** Only tests 1 and 2, so the hand-made in-control subgroups below trip nothing. */
const ONLY_1_AND_2 = Object.fromEntries(['3', '4', '5', '6', '7', '8'].map((t) => [t, { enabled: false }]));

/** Subgroup k of 5 samples (1 s apart): mean `mean`, range 1.0. */
function subgroup(k: number, mean: number) {
  return [-0.5, 0.5, 0, -0.3, 0.3].map((d, j) => ({
    tag: TAG,
    ts: T0 + (5 * k + j) * 1000,
    value: mean + d,
  }));
}
const endOf = (k: number) => T0 + (5 * k + 4) * 1000;
const inControl = (k: number) => subgroup(k, k % 2 === 0 ? 10.2 : 9.8);

async function post(p: { api: TestPlatform['api'] }, samples: unknown[]): Promise<void> {
  const r = await p.api('/samples', { body: { samples } });
  expect(r.status).toBe(200);
}

describe('live SPC chart on a tag', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
    await seedLine(p, ['flange_height']);
  });
  afterAll(async () => {
    await p?.[Symbol.asyncDispose]();
  });

  it('attaches with given limits, raises nelson.1 on a subgroup beyond the UCL and clears it after 5 quiet subgroups', async () => {
    const created = await p.api('/spc/charts', {
      body: {
        id: 'p3-fh',
        tag: TAG,
        type: 'xbar-r',
        subgroupSize: 5,
        center: 10,
        sigma: 1,
        tests: ONLY_1_AND_2,
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.chart).toMatchObject({
      subgroup: { by: 'count', size: 5 },
      limits: { center: 10, sigma: 1, nsigmas: 3, source: 'given' },
      clearAfter: 5,
    });

    const ws = new WebSocket(`${p.url.replace('http', 'ws')}/api/v1/stream?token=${p.adminToken}`);
    const messages: any[] = [];
    ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString('utf8'))));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'subscribe', under: PRESS3 }));
    await expect.poll(() => messages.some((m) => m.type === 'subscribed'), POLL).toBe(true);

    // 10 subgroups in control, then one with mean 12 > UCL = 10 + 3/√5 = 11.3416.
    await post(p, Array.from({ length: 10 }, (_, k) => inControl(k)).flat());
    await post(p, subgroup(10, 12));
    await expect
      .poll(async () => (await p.api('/spc/charts')).body.charts[0].status.activeAlarms, POLL)
      .toEqual([
        {
          code: 'spc.nelson.1',
          rule: 'nelson.1',
          rules: ['nelson.1'],
          statistic: 'xbar',
          description: '1 point more than 3 standard deviations from the centre line',
          severity: 'medium',
          since: endOf(10),
        },
      ]);
    await expect.poll(() => messages.find((m) => m.type === 'events'), POLL).toBeDefined();
    const pushed = messages.find((m) => m.type === 'events').events[0];
    expect(pushed).toMatchObject({
      kind: 'alarm',
      code: 'spc.nelson.1',
      state: 'raised',
      tag: TAG,
      ts: endOf(10),
    });
    expect(pushed.data).toMatchObject({ chart: 'p3-fh', statistic: 'xbar', value: 12, center: 10, n: 5 });
    expect(pushed.data.ucl).toBeCloseTo(10 + 3 / Math.sqrt(5), 12);
    expect(pushed.message).toContain('X̄ 12.0000');

    // Still firing? No: four quiet subgroups keep it raised, the fifth clears it.
    await post(
      p,
      [11, 12, 13, 14].flatMap((k) => inControl(k)),
    );
    expect((await p.api('/spc/charts')).body.charts[0].status.activeAlarms).toHaveLength(1);
    await post(p, inControl(15));
    await expect
      .poll(async () => (await p.api('/spc/charts')).body.charts[0].status.activeAlarms, POLL)
      .toEqual([]);

    // Alarm events are written right after the samples' acknowledgement, not before it.
    await p.app.services.spc.settled();
    const events = (await p.api(`/events?kinds=alarm&under=${PRESS3}&from=${T0}&to=${endOf(20)}`)).body
      .events;
    expect(events.map((e: any) => [e.state, e.ts])).toEqual([
      ['cleared', endOf(15)],
      ['raised', endOf(10)],
    ]);
    expect(events[0].data).toMatchObject({ raisedAt: endOf(10), rule: 'nelson.1' });
    await expect
      .poll(
        () => messages.filter((m) => m.type === 'events').flatMap((m) => m.events.map((e: any) => e.state)),
        POLL,
      )
      .toEqual(['raised', 'cleared']);
    ws.close();

    const points = (await p.api(`/spc/charts/points?id=p3-fh&from=${T0}&to=${endOf(20)}`)).body;
    expect(points.statistics).toEqual({ level: 'xbar', dispersion: 'r' });
    expect(points.points).toHaveLength(16);
    expect(points.points[10]).toMatchObject({ ts: endOf(10), start: T0 + 50_000, n: 5, quality: 'good' });
    expect(points.points[10].level.value).toBe(12);
    expect(points.points[10].level.violations.map((v: any) => v.rule)).toEqual(['nelson.1']);
    // R = 1.0 against the R chart of σ = 1, n = 5: CL d2 = 2.326, UCL (d2 + 3·d3) = 4.918.
    expect(points.points[0].dispersion.value).toBeCloseTo(1, 12);
    expect(points.points[0].dispersion.center).toBeCloseTo(2.326, 12);
    expect(points.points[0].dispersion.ucl).toBeCloseTo(4.918, 3);
    expect(points.alarms.map((e: any) => e.state)).toEqual(['raised', 'cleared']);
  }, 90_000);

  it('estimates phase I limits from the tag’s history: qcc’s pistonrings samples 1-25', async () => {
    await seedLineTag(p, 'diameter');
    const rings = groupBy(readSpcFixture('pistonrings.txt'), 'diameter', 'sample').slice(0, 25);
    const start = T0 + 3_600_000;
    const samples = rings
      .flat()
      .map((value, i) => ({ tag: `${PRESS3}/diameter`, ts: start + i * 1000, value }));
    await post(p, samples);
    const r = await p.api('/spc/charts', {
      body: {
        id: 'rings',
        tag: `${PRESS3}/diameter`,
        type: 'xbar-r',
        limitsFrom: start,
        limitsTo: start + 125_000,
      },
    });
    expect(r.status).toBe(200);
    const { limits } = r.body.chart;
    expect(limits.source).toBe('phase-one');
    expect(limits.center).toBeCloseTo(74.00118, 5);
    expect(limits.sigma).toBeCloseTo(0.009785039, 9);
    expect(limits.estimatedFrom).toEqual({ from: start, to: start + 125_000, subgroups: 25, excluded: 0 });
  });

  it('refuses what cannot be charted, with the reason', async () => {
    const bad = async (body: Record<string, unknown>, status: number, pattern: RegExp) => {
      const r = await p.api('/spc/charts', {
        body: { tag: TAG, type: 'xbar-r', center: 1, sigma: 1, ...body },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.error.message).toMatch(pattern);
    };
    await bad({ id: 'p3-fh' }, 409, /already exists/);
    await bad({ id: 'x1', type: 'i-mr', subgroupSize: 5 }, 400, /every sample/);
    await bad(
      { id: 'x2', center: undefined, sigma: undefined, limitsFrom: 'now-1h' },
      400,
      /at least 20 subgroups/,
    );
    await bad({ id: 'x3', tests: { '9': { enabled: true } } }, 400, /test/);
    await bad({ id: 'x4', sigma: undefined }, 400, /both center and sigma/);
    await bad({ id: 'x5', tag: `${PRESS3}/nope` }, 404, /no tag/);
    expect((await p.api('/spc/charts')).body.charts.map((c: any) => c.config.id)).toEqual(['p3-fh', 'rings']);
  });
});

async function seedLineTag(p: TestPlatform, name: string): Promise<void> {
  const r = await p.api('/tags', { body: { asset: PRESS3, name, unit: 'mm' } });
  expect(r.status).toBe(200);
}

describe('live SPC across a restart', () => {
  it('keeps points, active alarms and the rules’ run state', async () => {
    using dir = tempDir();
    const config = loadConfig({
      GEMBA_DATA_DIR: dir.path,
      GEMBA_PORT: '0',
      GEMBA_MQTT_ENABLED: 'false',
      GEMBA_LOG_LEVEL: 'warn',
    });
    const api =
      (platform: { url: string; adminToken: string | undefined }) =>
      async (path: string, init: { body?: unknown } = {}) => {
        const response = await fetch(`${platform.url}/api/v1${path}`, {
          method: init.body === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${platform.adminToken}`, 'content-type': 'application/json' },
          ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
        });
        return { status: response.status, body: (await response.json()) as any };
      };
    {
      await using first = await createPlatform(config);
      const call = { api: api(first) };
      await seedLine(call as TestPlatform, ['flange_height']);
      await call.api('/spc/charts', {
        body: {
          id: 'c',
          tag: TAG,
          type: 'xbar-r',
          subgroupSize: 5,
          center: 10,
          sigma: 1,
          tests: ONLY_1_AND_2,
        },
      });
      // Eight subgroups above the centre (mean 10.2): one more makes nine in a row, nelson.2.
      await post(call, Array.from({ length: 8 }, (_, k) => subgroup(k, 10.2)).flat());
      await post(call, subgroup(8, 12));
      // One alarm for the X̄ chart, raised by nelson.1, with nelson.2 firing at the same point.
      await expect
        .poll(
          async () =>
            (await call.api('/spc/charts')).body.charts[0].status.activeAlarms.map((a: any) => a.rules),
          POLL,
        )
        .toEqual([['nelson.1', 'nelson.2']]);
      await first.app.services.spc.settled();
    }
    await using second = await createPlatform(config);
    const call = { api: api(second) };
    const listed = (await call.api('/spc/charts')).body.charts[0].status;
    expect(listed.activeAlarms.map((a: any) => [a.code, a.rules, a.since])).toEqual([
      ['spc.nelson.1', ['nelson.1', 'nelson.2'], endOf(8)],
    ]);
    // The run above the centre continues after the restart: subgroups 9-13 make it 10-14 long, nelson.2 keeps
    // firing and the alarm stays. Had the rules started over, nothing would fire and 5 quiet subgroups would clear it.
    await post(
      call,
      [9, 10, 11, 12, 13].flatMap((k) => subgroup(k, 10.2)),
    );
    await second.app.services.spc.settled();
    const points = (await call.api(`/spc/charts/points?id=c&from=${T0}&to=${endOf(20)}`)).body.points;
    expect(points).toHaveLength(14);
    expect(points.slice(9).map((p: any) => p.level.violations.map((v: any) => v.rule))).toEqual(
      Array.from({ length: 5 }, () => ['nelson.2']),
    );
    expect((await call.api('/spc/charts')).body.charts[0].status.activeAlarms).toHaveLength(1);
    // Five subgroups below the centre: nothing fires (a run of 5 < 9), and the fifth clears the alarm.
    await post(
      call,
      [14, 15, 16, 17, 18].flatMap((k) => subgroup(k, 9.8)),
    );
    await second.app.services.spc.settled();
    const events = (await call.api(`/events?kinds=alarm&from=${T0}&to=${endOf(30)}`)).body.events;
    expect(events.map((e: any) => [e.state, e.ts, e.data.rules])).toEqual([
      ['cleared', endOf(18), ['nelson.1', 'nelson.2']],
      ['raised', endOf(8), ['nelson.1', 'nelson.2']],
    ]);
  });
});
