/**
 * Seeded fuzzing of MQTT payload decoding: random bytes, truncated JSON, huge numbers, NaN/Infinity strings,
 * wrong types, nested junk, 1 MB payloads and odd topic levels. First thousands of cases through the pure
 * decoders (fast), then a shorter run through the real connector and a real Mosquitto: nothing throws, every
 * message is either stored or dead-lettered with a reason, and the heap stays bounded.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { createMqttConnector } from '../../src/adapters/ingest/mqtt/mqtt.connector.js';
import {
  type Mapped,
  mapJsonMessage,
  mapUnsMessage,
  payloadText,
  renderTagTemplate,
  topicMatches,
} from '../../src/adapters/ingest/mqtt/mapping.js';
import { createIngestSink } from '../../src/app/ingest/sink.js';
import { MqttConnectionConfig, QUALITIES } from '../../src/domain/index.js';
import { loadConfig } from '../../src/server/config.js';
import { openCore, SYSTEM_PRINCIPAL } from '../../src/server/platform.js';
import { mosquittoUnavailable, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/platform.js';
import { seededRandom } from '../../src/analytics/random.js';

/** A full garbage collection, to compare heaps by what is retained rather than by what awaits collection. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? () => void gc() : () => undefined;
}

const T0 = Date.parse('2026-03-02T06:00:00Z');
const ASSET = 'acme/plant1/stamping/line1/press3';
const TAGS = ['oil_temp', 'pressure', 'speed'].map((n) => `${ASSET}/${n}`);
const encoder = new TextEncoder();

type Case = { topic: string; payload: Uint8Array; kind: string };

function generator(seed: number) {
  const r = seededRandom(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const junkValues = [
    'NaN',
    'Infinity',
    '-Infinity',
    '"NaN"',
    '"Infinity"',
    '1e400',
    '-1e999',
    '"1e400"',
    '123456789012345678901234567890',
    'null',
    'true',
    '"12.5"',
    '"abc"',
    '[]',
    '{}',
    '[1,[2,[3]]]',
    '{"a":{"b":{"c":1}}}',
    '"\\u0000"',
    '0x10',
    '-0',
    '1.7976931348623157e308',
  ];
  const junkTs = [
    String(T0),
    String(T0 / 1000),
    '"2026-03-02T06:00:00Z"',
    '"2026-03-02T06:00:00"',
    '"not a date"',
    '-1',
    '1e30',
    'null',
    '{"t":1}',
    '"NaN"',
    String(T0 * 1e6),
  ];
  const nested = (depth: number): string =>
    depth === 0 ? pick(junkValues) : r() < 0.5 ? `[${nested(depth - 1)}]` : `{"k":${nested(depth - 1)}}`;

  return (): Case => {
    const topic = r() < 0.9 ? pick(TAGS) : pick(oddTopics);
    const kind = pick([
      'good',
      'good',
      'random-bytes',
      'truncated',
      'junk-value',
      'junk-ts',
      'nested',
      'wrong-type',
      'bare',
    ]);
    let text: string | undefined;
    let bytes: Uint8Array | undefined;
    switch (kind) {
      case 'good':
        text = JSON.stringify({ value: r() * 100, timestamp: T0 + int(1e9), quality: pick(QUALITIES) });
        break;
      case 'random-bytes':
        bytes = Uint8Array.from({ length: 1 + int(200) }, () => int(256));
        break;
      case 'truncated': {
        const full = JSON.stringify({ value: r() * 100, timestamp: T0 + int(1e9), quality: 'good' });
        text = full.slice(0, int(full.length));
        break;
      }
      case 'junk-value':
        text = `{"value":${pick(junkValues)},"timestamp":${T0}}`;
        break;
      case 'junk-ts':
        text = `{"value":1,"timestamp":${pick(junkTs)}}`;
        break;
      case 'nested':
        text = `{"value":${nested(1 + int(50))},"timestamp":${T0},"x":${nested(int(20))}}`;
        break;
      case 'wrong-type':
        text = pick([
          '[1,2,3]',
          '"just text"',
          '{"val":1}',
          '{"value":{"value":1}}',
          'null',
          '{"value":[1]}',
        ]);
        break;
      default:
        text = pick(junkValues);
    }
    return { topic, payload: bytes ?? encoder.encode(text ?? ''), kind };
  };
}

/** Topic levels a broker passes on but no tag is named like: replacement characters, lone surrogates, spaces. */
const oddTopics = [
  `${ASSET}/\uFFFD\uFFFD`,
  `${ASSET}/\uD800`,
  `${ASSET}/a b`,
  `${ASSET}/`,
  `${ASSET}//x`,
  'acme',
  `${ASSET}/${'x'.repeat(300)}`,
  `${ASSET}/t\u0000`,
];

function decode(c: Case, format: 'uns' | 'json', arrivalTs: number): Mapped {
  const text = payloadText(c.payload);
  if (typeof text === 'object') return { kind: 'invalid', reason: text.reason };
  return format === 'uns'
    ? mapUnsMessage(c.topic, text, undefined, arrivalTs)
    : mapJsonMessage(
        c.topic,
        text,
        { paths: { value: 'value', timestamp: 'timestamp' }, tag: `${ASSET}/{5}` },
        arrivalTs,
      );
}

function checkMapped(m: Mapped): void {
  if (m.kind === 'invalid') {
    expect(m.reason.length).toBeGreaterThan(5);
    return;
  }
  if (m.kind === 'events') return;
  const { ts, value, quality } = m.sample;
  expect(Number.isInteger(ts) && ts >= 0 && ts <= 8.64e15).toBe(true);
  expect(typeof value === 'boolean' || Number.isFinite(value)).toBe(true);
  expect(QUALITIES).toContain(quality);
}

describe('MQTT payload decoding under fuzzing', () => {
  it('never throws and gives every bad payload a reason (20,000 seeded cases, both formats)', () => {
    const next = generator(20260302);
    const kinds = new Map<string, { sample: number; invalid: number }>();
    for (let i = 0; i < 20_000; i++) {
      const c = next();
      for (const format of ['uns', 'json'] as const) {
        const m = decode(c, format, T0);
        checkMapped(m);
        if (format === 'uns') {
          const k = kinds.get(c.kind) ?? { sample: 0, invalid: 0 };
          if (m.kind === 'sample') k.sample++;
          else k.invalid++;
          kinds.set(c.kind, k);
        }
      }
      expect(typeof topicMatches('acme/+/stamping/#', c.topic)).toBe('boolean');
      expect(renderTagTemplate('{0}/{1}/{7}', c.topic.split('/'))).toBeDefined();
    }
    // Known answers per category: good ones decode, truncated JSON and random bytes almost never do.
    expect(kinds.get('good')?.invalid).toBe(0);
    expect(kinds.get('wrong-type')?.sample).toBe(0);
    expect(kinds.get('nested')?.sample).toBe(0);
    const truncated = kinds.get('truncated') ?? { sample: 0, invalid: 0 };
    expect(truncated.invalid).toBeGreaterThan(truncated.sample * 20);
  });

  it('rejects the named hostile values with their reason', () => {
    const reasonOf = (text: string) => {
      const m = mapUnsMessage(TAGS[0] ?? '', text, undefined, T0);
      return m.kind === 'invalid' ? m.reason : `accepted: ${JSON.stringify(m)}`;
    };
    expect(reasonOf('{"value":1e400,"timestamp":1}')).toMatch(/^value: not a finite number/);
    expect(reasonOf('{"value":"NaN","timestamp":1}')).toMatch(/^value: a string that is not a decimal/);
    expect(reasonOf('{"value":"-Infinity","timestamp":1}')).toMatch(/^value: a string that is not a decimal/);
    expect(reasonOf('NaN')).toMatch(/^payload is not JSON/);
    expect(reasonOf('{"value":1,"timestamp":1e30}')).toMatch(/^timestamp: beyond/);
  });

  it('handles 1 MB payloads and deep nesting quickly, and keeps no memory from one message to the next', () => {
    const big = new Uint8Array(1024 * 1024 + 1).fill(0x5b); // "[[[[…"
    const deep = encoder.encode(`${'['.repeat(500_000)}${']'.repeat(500_000)}`);
    const justUnder = encoder.encode(`{"value":1,"timestamp":${T0},"pad":"${'x'.repeat(1024 * 1024 - 60)}"}`);
    const gc = collector();
    gc();
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    for (let i = 0; i < 10; i++) {
      expect(decode({ topic: TAGS[0] ?? '', payload: big, kind: 'big' }, 'uns', T0)).toMatchObject({
        kind: 'invalid',
        reason: expect.stringMatching(/^payload too large/),
      });
      checkMapped(decode({ topic: TAGS[0] ?? '', payload: deep, kind: 'deep' }, 'uns', T0));
      checkMapped(decode({ topic: TAGS[0] ?? '', payload: justUnder, kind: 'pad' }, 'json', T0));
    }
    const next = generator(7);
    for (let i = 0; i < 50_000; i++) decode(next(), 'uns', T0);
    expect(performance.now() - started).toBeLessThan(15_000);
    gc();
    const retainedMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    expect(retainedMb).toBeLessThan(16);
  });

  const skip = mosquittoUnavailable();
  it.skipIf(skip !== undefined)(
    `through the connector and Mosquitto: each message is stored or dead-lettered with a reason${skip ? ` (skipped: ${skip})` : ''}`,
    async () => {
      await using broker = await startMosquitto();
      using dir = tempDir('gemba-mqtt-fuzz-');
      await using core = await openCore({
        dataDir: dir.path,
        ingest: loadConfig({}).ingest,
        clock: { now: () => Date.now() },
      });
      const call = (op: string, input: unknown) => core.app.call(op, input, SYSTEM_PRINCIPAL);
      const levels = ['enterprise', 'site', 'area', 'line', 'equipment'];
      const segments = ASSET.split('/');
      for (let i = 0; i < segments.length; i++) {
        await call('assets.create', {
          path: segments.slice(0, i + 1).join('/'),
          level: levels[i],
          name: segments[i],
        });
      }
      for (const tag of TAGS) await call('tags.create', { asset: ASSET, name: tag.split('/').pop() });
      const errors: string[] = [];
      await using connector = await createMqttConnector(
        MqttConnectionConfig.parse({
          kind: 'mqtt',
          id: 'fuzz',
          url: broker.url,
          subscriptions: [{ topic: 'acme/#' }],
        }),
        {
          sink: createIngestSink(core.app, SYSTEM_PRINCIPAL),
          clock: { now: () => Date.now() },
          stateDir: dir.path,
          log: (level, message) => {
            if (level === 'error') errors.push(message);
          },
        },
      );
      while (connector.status().state !== 'connected') await sleep(20);

      const next = generator(42);
      // U+0000 is not allowed in a topic name (MQTT 5 §4.7.3): the broker would drop the publisher.
      const cases: Case[] = Array.from({ length: 1500 }, () => next()).filter(
        (c) => !c.topic.includes('\u0000'),
      );
      for (let i = 0; i < 3; i++)
        cases.push({ topic: TAGS[1] ?? '', payload: new Uint8Array(1024 * 1024 + 10), kind: 'big' });
      // What the connector should store: decodable samples of existing tags (duplicates of content aside).
      const stored = new Set<string>();
      for (const c of cases) {
        const m = decode(c, 'uns', 0);
        if (m.kind === 'sample' && !m.stamped && TAGS.includes(m.sample.tag)) {
          stored.add(`${m.sample.tag}|${m.sample.ts}|${m.sample.value}|${m.sample.quality}`);
        }
      }
      const expectedStamped = cases.filter((c) => {
        const m = decode(c, 'uns', 0);
        return m.kind === 'sample' && m.stamped && TAGS.includes(m.sample.tag);
      }).length;
      const expectedStored = stored.size + expectedStamped;
      const duplicates =
        cases.filter((c) => {
          const m = decode(c, 'uns', 0);
          return m.kind === 'sample' && !m.stamped && TAGS.includes(m.sample.tag);
        }).length - stored.size;

      const pub = await mqtt.connectAsync(broker.url, { clientId: 'fuzz-pub' });
      await Promise.all(cases.map((c) => pub.publishAsync(c.topic, Buffer.from(c.payload), { qos: 1 })));
      await pub.endAsync();
      const deadline = Date.now() + 20_000;
      while (connector.status().samples + connector.status().deadLetters < cases.length - duplicates) {
        if (Date.now() > deadline) throw new Error(`stuck at ${JSON.stringify(connector.status())}`);
        await sleep(20);
      }

      const status = connector.status();
      expect(status).toMatchObject({
        state: 'connected',
        messages: cases.length,
        samples: expectedStored,
        deadLetters: cases.length - duplicates - expectedStored,
        errors: 0,
      });
      expect(errors).toEqual([]);
      const letters: any = await call('deadletters.list', { limit: 10_000 });
      expect(letters.total).toBe(status.deadLetters);
      for (const l of letters.deadLetters) {
        expect(l.source).toMatch(/^mqtt:fuzz/);
        expect(l.reason.length).toBeGreaterThan(5);
        expect(l.payload.length).toBeLessThanOrEqual(4097);
      }
      expect(letters.deadLetters.filter((l: any) => l.reason.startsWith('payload too large'))).toHaveLength(
        3,
      );
    },
  );
});
