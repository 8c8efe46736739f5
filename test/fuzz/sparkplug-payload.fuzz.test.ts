/**
 * Hostile input for the Sparkplug B decoder and message handler, from a seeded generator: random bytes, truncated
 * valid protobuf, NaN / ±Infinity / huge values, wrong datatypes, 1 MB payloads, malformed topics. Nothing may
 * throw, every bad message must leave a dead letter with a reason, and the heap must stay bounded. The first
 * part drives the session (decoder and handler) directly with thousands of cases; the second sends a few hundred
 * through a real Mosquitto into the real store.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import mqtt from 'mqtt';
import sparkplugPayload from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { describe, expect, it } from 'vitest';
import {
  SparkplugSession,
  decodeSparkplugPayload,
  startSparkplugConnector,
} from '../../src/adapters/ingest/sparkplug/index.js';
import type { Outcome } from '../../src/adapters/ingest/sparkplug/sparkplug.session.js';
import { createIngestSink } from '../../src/app/ingest/sink.js';
import { SparkplugConnectionConfig } from '../../src/domain/index.js';
import { loadConfig } from '../../src/server/config.js';
import { openCore, SYSTEM_PRINCIPAL } from '../../src/server/platform.js';
import { mosquittoUnavailable, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/platform.js';
import { seededRandom } from '../../src/analytics/random.js';

const spB = sparkplugPayload.get('spBv1.0');
function encode(payload: UPayload): Buffer {
  if (spB === null) throw new Error('sparkplug-payload has no spBv1.0 codec');
  return Buffer.from(spB.encodePayload(payload));
}

function randomBytes(next: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
  return b;
}

const gc: (() => void) | undefined = (() => {
  try {
    setFlagsFromString('--expose_gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();

function heapMiB(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const GROUP = 'fuzz';
const BIRTH_METRICS: UMetric[] = [
  { name: 'bdSeq', type: 'Int64', value: 0 },
  { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
  { name: 'Temp', alias: 1, type: 'Double', value: 20 },
  { name: 'Speed', alias: 2, type: 'Float', value: 10 },
  { name: 'Count', alias: 3, type: 'Int64', value: 1 },
  { name: 'Small', alias: 4, type: 'Int8', value: -1 },
  { name: 'On', alias: 5, type: 'Boolean', value: true },
  { name: 'Label', alias: 6, type: 'String', value: 'x' },
  { name: 'Wide', alias: 7, type: 'UInt64', value: 5 },
];

/** A session with one born edge node and device, as the connector holds it. */
function bornSession(): {
  session: SparkplugSession;
  feed: (topic: string, payload: Uint8Array) => Outcome;
} {
  const session = new SparkplugSession({
    hostId: 'gemba',
    assetRoot: 'acme/fuzz',
    groups: [],
    autoRegister: { enabled: true, allow: ['**'] },
    requestRebirth: true,
    hasTag: () => false,
  });
  let now = Date.parse('2026-01-01T00:00:00Z');
  const feed = (topic: string, payload: Uint8Array): Outcome => {
    const out = session.handle(topic, payload, now++);
    if (out.undo) session.commit([out.undo]);
    return out;
  };
  const birth = feed(
    `spBv1.0/${GROUP}/NBIRTH/n1`,
    encode({ timestamp: now, seq: 0, metrics: BIRTH_METRICS }),
  );
  const dbirth = feed(
    `spBv1.0/${GROUP}/DBIRTH/n1/d1`,
    encode({ timestamp: now, seq: 1, metrics: BIRTH_METRICS }),
  );
  expect(birth.letters).toEqual([]);
  expect(dbirth.letters).toEqual([]);
  return { session, feed };
}

const reasons = (out: Outcome) => out.letters.map((l) => l.reason).join(' | ');

describe('Sparkplug payload fuzzing: decoder and message handler', () => {
  it('dead-letters random bytes, truncated protobuf and malformed topics with a reason, and never throws', () => {
    const next = seededRandom(20_240_601);
    const { feed } = bornSession();
    const valid = encode({
      timestamp: Date.now(),
      seq: 2,
      metrics: Array.from({ length: 100 }, (_, i) => ({ alias: (i % 7) + 1, type: 'Double', value: i })),
    });
    let cases = 0;
    let lettered = 0;
    let stored = 0;
    const before = heapMiB();
    for (let i = 0; i < 3_000; i++) {
      // Random bytes, from empty to 4 kB, on every kind of data topic.
      const topic = [
        `spBv1.0/${GROUP}/DDATA/n1/d1`,
        `spBv1.0/${GROUP}/NDATA/n1`,
        `spBv1.0/${GROUP}/NBIRTH/n${i % 50}`,
        `spBv1.0/${GROUP}/DBIRTH/n1/d${i % 50}`,
        `spBv1.0/${GROUP}/NDEATH/n1`,
        `spBv1.0/${GROUP}/DDEATH/n1/d1`,
      ][i % 6] as string;
      const bytes = randomBytes(next, Math.floor(next() ** 3 * 4096));
      const out = feed(topic, bytes);
      const decoded = decodeSparkplugPayload(bytes);
      cases++;
      if (out.letters.length > 0) lettered++;
      stored += out.samples.length;
      for (const l of out.letters) expect(l.reason.length).toBeGreaterThan(10);
      if (!decoded.ok) expect(reasons(out)).toMatch(/^not a Sparkplug B protobuf payload: /);
      // Never silently dropped: a message that decoded into metrics either maps, is dead-lettered, is a
      // redelivery, or is a death (whose metrics are only bdSeq).
      if (decoded.ok && decoded.payload.metrics.length > 0 && !topic.includes('DEATH')) {
        expect(out.letters.length + out.samples.length + (out.duplicate ? 1 : 0)).toBeGreaterThan(0);
      }
    }
    for (let i = 0; i < 2_000; i++) {
      // A valid 100-metric DDATA cut short anywhere.
      const cut = valid.subarray(0, Math.floor(next() * valid.byteLength));
      const out = feed(`spBv1.0/${GROUP}/DDATA/n1/d1`, cut);
      cases++;
      if (!decodeSparkplugPayload(cut).ok) {
        expect(out.samples).toEqual([]);
        expect(reasons(out)).toMatch(/^not a Sparkplug B protobuf payload: /);
        lettered++;
      }
    }
    const topics = [
      '',
      'spBv1.0',
      'spBv1.0/',
      'spBv1.0/fuzz',
      'spBv1.0/fuzz/DDATA',
      'spBv1.0/fuzz/DDATA/n1',
      'spBv1.0/fuzz/NDATA/n1/d1',
      'spBv1.0/fuzz/DDATA/n1/d1/extra',
      'spBv1.0//DDATA/n1/d1',
      'spBv1.0/fuzz/DDATA//d1',
      'spBv1.0/fuzz/XDATA/n1',
      'spBv1.0/fuzz/ddata/n1/d1',
      'spAv1.0/fuzz/DDATA/n1/d1',
      'spBv1.0/STATE',
      'spBv1.0/STATE/a/b',
      '\u0000/\uffff',
      'spBv1.0/fuzz/DDATA/n1/' + 'x'.repeat(70_000),
    ];
    for (let i = 0; i < 1_000; i++) {
      const topic =
        i < topics.length ? (topics[i] as string) : `spBv1.0/${randomBytes(next, 12).toString('latin1')}`;
      const out = feed(topic, valid);
      cases++;
      if (out.letters.length > 0) {
        lettered++;
        expect(out.letters[0]?.reason).toBeTruthy();
      } else {
        // The only way a random topic passes: it happens to parse as a Sparkplug topic of another group/node.
        expect(topic.split('/').length).toBeGreaterThanOrEqual(3);
      }
      expect(out.samples).toEqual([]);
    }
    for (const topic of topics) {
      const again = feed(topic, valid);
      // A second copy of a message that parsed is recognised as a redelivery; the others are dead-lettered again.
      expect(again.duplicate || again.letters.length > 0).toBe(true);
    }
    expect(cases).toBe(6_000);
    expect(lettered).toBeGreaterThan(4_000);
    expect(stored).toBeLessThan(100); // random bytes almost never make a mapped sample
    expect(heapMiB() - before).toBeLessThan(64);
  });

  it('rejects NaN, ±Infinity, integers beyond 2^53, out-of-range and mistyped values per metric, storing the rest', () => {
    const { feed } = bornSession();
    let seq = 2;
    const data = (metrics: UMetric[]) =>
      feed(`spBv1.0/${GROUP}/DDATA/n1/d1`, encode({ timestamp: Date.now(), seq: seq++, metrics }));
    const cases: Array<[UMetric, RegExp | number]> = [
      [{ alias: 1, type: 'Double', value: Number.NaN }, /Double value NaN is not a finite number/],
      [
        { alias: 1, type: 'Double', value: Number.POSITIVE_INFINITY },
        /Double value Infinity is not a finite number/,
      ],
      [
        { alias: 2, type: 'Float', value: Number.NEGATIVE_INFINITY },
        /Float value -Infinity is not a finite number/,
      ],
      [{ alias: 2, type: 'Float', value: 2 ** 127 }, 2 ** 127],
      [{ alias: 1, type: 'Double', value: Number.MAX_VALUE }, Number.MAX_VALUE],
      [{ alias: 1, type: 'Double', value: -1e-300 }, -1e-300],
      [{ alias: 3, type: 'Int64', value: -9_007_199_254_740_991 }, -9_007_199_254_740_991],
      [{ alias: 3, type: 'Int64', value: 2 ** 62 }, /beyond ±2\^53/],
      [{ alias: 7, type: 'UInt64', value: 2 ** 63 }, /beyond ±2\^53/],
      [{ alias: 4, type: 'Int8', value: -128 }, -128],
      [{ alias: 4, type: 'Int8', value: 4096 }, /4096 does not fit Int8/],
      [{ alias: 5, type: 'Boolean', value: false }, 0],
      [{ alias: 5, type: 'Double', value: 1 }, /datatype Double differs from the BIRTH's Boolean/],
      [{ alias: 1, type: 'String', value: '12.5' }, /datatype String differs from the BIRTH's Double/],
      [
        { alias: 1, type: 'Unknown' as UMetric['type'], value: 'text' },
        /Double carries no value, not a float/,
      ],
      [
        { alias: 3, type: 'Unknown' as UMetric['type'], value: true },
        /Int64 carries no value, not an integer/,
      ],
      [{ alias: 6, type: 'String', value: 'x'.repeat(1_000_000) }, 0], // not a sample: skipped, not an error
      [{ alias: 1, type: 'Double', value: 1, timestamp: 9e15 }, /timestamp 9000000000000000 is not epoch ms/],
    ];
    for (const [metric, expected] of cases) {
      const out = data([metric, { alias: 2, type: 'Float', value: 0.5 }]);
      // The healthy metric beside it is always stored.
      expect(out.samples.some((s) => s.tag === 'acme/fuzz/fuzz/n1/d1/Speed' && s.value === 0.5)).toBe(true);
      if (typeof expected === 'number') {
        expect(out.letters, JSON.stringify(metric).slice(0, 200)).toEqual([]);
        if (metric.alias !== 6) expect(out.samples.map((s) => s.value)).toContain(expected);
      } else {
        expect(out.letters).toHaveLength(1);
        expect(out.letters[0]?.reason).toMatch(/^1 metric value\(s\) rejected: /);
        expect(out.letters[0]?.reason).toMatch(expected);
        // The dead letter's payload is JSON-safe: NaN and Infinity are spelled out.
        expect(() => JSON.stringify(out.letters[0]?.payload)).not.toThrow();
      }
    }
  });

  it('handles 1 MB payloads: random bytes, 60,000 metrics, 50,000 unknown aliases', () => {
    const next = seededRandom(7);
    const { feed } = bornSession();
    const before = heapMiB();
    for (let i = 0; i < 20; i++) {
      const out = feed(`spBv1.0/${GROUP}/DDATA/n1/d1`, randomBytes(next, 1_000_000));
      expect(out.letters.length + out.samples.length).toBeGreaterThan(0);
      for (const l of out.letters) expect(String(l.payload).length).toBeLessThan(5_000);
    }
    const many = encode({
      timestamp: Date.now(),
      seq: 2,
      metrics: Array.from({ length: 60_000 }, (_, i) => ({
        alias: 1,
        type: 'Double',
        value: i,
        timestamp: 1_000 + i,
      })),
    });
    expect(many.byteLength).toBeGreaterThan(1_000_000);
    const out = feed(`spBv1.0/${GROUP}/DDATA/n1/d1`, many);
    expect(out.letters).toEqual([]);
    expect(out.samples).toHaveLength(60_000);
    const unknown = feed(
      `spBv1.0/${GROUP}/DDATA/n1/d1`,
      encode({
        timestamp: Date.now(),
        seq: 3,
        metrics: Array.from({ length: 50_000 }, (_, i) => ({ alias: 100 + i, type: 'Double', value: i })),
      }),
    );
    expect(unknown.letters).toHaveLength(1);
    expect(unknown.letters[0]?.reason).toMatch(
      /^50000 metric\(s\) not defined by the BIRTH \(alias 100; alias 101; /,
    );
    expect(JSON.stringify(unknown.letters[0]?.payload).length).toBeLessThan(20_000);
    expect(heapMiB() - before).toBeLessThan(64);
  });

  it('keeps its memory bounded under a flood of edge node ids', () => {
    const session = new SparkplugSession({
      hostId: 'gemba',
      assetRoot: 'acme/fuzz',
      groups: [],
      autoRegister: { enabled: false, allow: [] },
      requestRebirth: true,
      hasTag: () => false,
    });
    const payload = encode({
      timestamp: Date.now(),
      seq: 1,
      metrics: [{ alias: 1, type: 'Double', value: 1 }],
    });
    const before = heapMiB();
    let refused = 0;
    for (let i = 0; i < 30_000; i++) {
      const out = session.handle(`spBv1.0/${GROUP}/NDATA/node-${i}`, payload, i);
      if (out.undo) session.commit([out.undo]);
      if (out.letters[0]?.reason.startsWith('more than 10000 edge nodes')) refused++;
      expect(out.letters).toHaveLength(1);
    }
    expect(refused).toBe(20_000);
    expect(heapMiB() - before).toBeLessThan(64);
  });
});

const skip = mosquittoUnavailable();

describe.skipIf(skip !== undefined)(
  `Sparkplug payload fuzzing through Mosquitto and the store${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('dead-letters every bad message it receives, stays connected and still stores good data', async () => {
      await using broker = await startMosquitto();
      const dir = tempDir('gemba-sparkplug-fuzz-');
      await using core = await openCore({
        dataDir: dir.path,
        ingest: loadConfig({}).ingest,
        clock: { now: () => Date.now() },
      });
      const sink = createIngestSink(core.app, SYSTEM_PRINCIPAL);
      await using host = await startSparkplugConnector(
        SparkplugConnectionConfig.parse({
          kind: 'sparkplug',
          id: 'fuzz',
          url: broker.url,
          groups: [GROUP],
          assetRoot: 'acme/fuzz',
          requestRebirth: false,
        }),
        { sink, clock: { now: () => Date.now() }, stateDir: dir.path, log: () => undefined },
      );
      const edge = await mqtt.connectAsync(broker.url, { clientId: 'fuzz-edge' });
      const deadline = Date.now() + 10_000;
      while (host.status().state !== 'connected' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await edge.publishAsync(
        `spBv1.0/${GROUP}/NBIRTH/n1`,
        encode({ timestamp: Date.now(), seq: 0, metrics: BIRTH_METRICS }),
        {
          qos: 1,
        },
      );

      const next = seededRandom(99);
      const valid = encode({
        timestamp: Date.now(),
        seq: 1,
        metrics: [{ alias: 1, type: 'Double', value: 1 }],
      });
      const bad: Array<[string, Buffer]> = [];
      for (let i = 0; i < 300; i++) {
        const kind = i % 4;
        if (kind === 0)
          bad.push([
            `spBv1.0/${GROUP}/NDATA/n1`,
            Buffer.concat([Buffer.from([0xff, 0xff]), randomBytes(next, i)]),
          ]);
        if (kind === 1)
          bad.push([`spBv1.0/${GROUP}/NDATA/n1`, valid.subarray(0, 1 + (i % (valid.byteLength - 2)))]);
        if (kind === 2) bad.push([`spBv1.0/${GROUP}/XDATA/n${i}`, valid]);
        if (kind === 3) bad.push([`spBv1.0/${GROUP}/NDATA/n1/extra/${i}`, valid]);
      }
      bad.push([`spBv1.0/${GROUP}/NDATA/n1`, randomBytes(next, 1_000_000)]);
      const undecodable = bad.filter(([, payload]) => !decodeSparkplugPayload(payload).ok).length;
      await Promise.all(bad.map(([topic, payload]) => edge.publishAsync(topic, payload, { qos: 1 })));
      await edge.publishAsync(
        `spBv1.0/${GROUP}/NDATA/n1`,
        encode({
          timestamp: Date.now(),
          seq: 1,
          metrics: [{ alias: 1, type: 'Double', value: 77, timestamp: 5_000 }],
        }),
        { qos: 1 },
      );
      const stored = async () => {
        if (!sink.hasTag('acme/fuzz/fuzz/n1/Temp')) return [];
        const r: any = await core.app.call(
          'samples.read',
          { tag: 'acme/fuzz/fuzz/n1/Temp', from: 0, to: 10_000 },
          SYSTEM_PRINCIPAL,
        );
        return r.samples;
      };
      // The good sample may be durable before the dead letters of its batch: wait for the batch as a whole.
      while (host.status().deadLetters < bad.length && Date.now() < deadline + 10_000) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect((await stored()).map((s: any) => s.value)).toEqual([77]);

      const letters: any = await core.app.call('deadletters.list', { limit: 10_000 }, SYSTEM_PRINCIPAL);
      // Truncated protobuf can still decode (a cut at a field boundary): it then lacks its seq or its metrics.
      expect(letters.total).toBe(bad.length);
      expect(
        letters.deadLetters.filter((l: any) => l.reason.startsWith('not a Sparkplug B protobuf payload'))
          .length,
      ).toBe(undecodable);
      expect(
        letters.deadLetters.every((l: any) => l.source.startsWith(`sparkplug:fuzz:spBv1.0/${GROUP}/`)),
      ).toBe(true);
      expect(host.status()).toMatchObject({
        state: 'connected',
        errors: 0,
        reconnects: 0,
        deadLetters: bad.length,
      });
      await edge.endAsync();
      dir[Symbol.dispose]();
    });
  },
);
