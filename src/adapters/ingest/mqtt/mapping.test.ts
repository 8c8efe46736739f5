import { describe, expect, it } from 'vitest';
import {
  mapJsonMessage,
  mapUnsMessage,
  parseQuality,
  parseTimestamp,
  parseValue,
  payloadText,
  renderTagTemplate,
  topicMatches,
  valueAtPath,
} from './mapping.js';
import { RecentKeys } from './recent-keys.js';

const T0 = Date.parse('2026-03-02T06:00:00Z');
const ARRIVAL = T0 + 123;
const TAG = 'acme/plant1/line1/press3/oil_temp';

describe('topicMatches', () => {
  it.each([
    ['acme/#', 'acme/plant1/x', true],
    ['acme/#', 'acme', true], // "#" also matches the parent level (MQTT 5 §4.7.1.2)
    ['acme/+/x', 'acme/plant1/x', true],
    ['acme/+/x', 'acme/plant1/y', false],
    ['acme/+', 'acme/plant1/x', false],
    ['acme/plant1/x', 'acme/plant1/x', true],
    ['acme/plant1', 'acme/plant1/x', false],
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['$share/gemba/acme/#', 'acme/plant1', true],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe('topicMatches against a reference that splits levels', () => {
  /** The definition, written plainly (MQTT 5 §4.7). */
  function reference(filter: string, topic: string): boolean {
    const f = (filter.startsWith('$share/') ? filter.split('/').slice(2).join('/') : filter).split('/');
    const t = topic.split('/');
    if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
    for (let i = 0; i < f.length; i++) {
      if (f[i] === '#') return true;
      if (i >= t.length) return false;
      if (f[i] !== '+' && f[i] !== t[i]) return false;
    }
    return f.length === t.length;
  }

  it('agrees on 20,000 seeded pairs of filters and topics', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const levels = ['a', 'b', 'ab', '', '$SYS', 'x y'];
    const topic = () =>
      Array.from(
        { length: 1 + Math.floor(next() * 4) },
        () => levels[Math.floor(next() * levels.length)],
      ).join('/');
    const filter = () => {
      const parts = topic()
        .split('/')
        .map((l) => (next() < 0.25 ? '+' : l));
      if (next() < 0.3) parts.push('#');
      return `${next() < 0.1 ? '$share/g/' : ''}${parts.join('/')}`;
    };
    for (let i = 0; i < 20_000; i++) {
      const [f, t] = [filter(), topic()];
      expect(topicMatches(f, t), `${f} vs ${t}`).toBe(reference(f, t));
    }
  });
});

describe('renderTagTemplate', () => {
  it('fills topic levels and names a missing one', () => {
    expect(renderTagTemplate('acme/plant1/{2}/{3}', ['site', 'x', 'line1', 'temp'])).toBe(
      'acme/plant1/line1/temp',
    );
    expect(renderTagTemplate('a/{0}/{0}', ['b'])).toBe('a/b/b');
    expect(renderTagTemplate('a/{4}', ['b', 'c'])).toEqual({
      reason: 'tag template "a/{4}" needs topic level {4}, the topic has 2',
    });
  });
});

describe('valueAtPath', () => {
  it('walks objects and arrays by own keys only', () => {
    const doc = { d: { v: [10, { x: 2 }] } };
    expect(valueAtPath(doc, 'd.v.0')).toBe(10);
    expect(valueAtPath(doc, 'd.v.1.x')).toBe(2);
    expect(valueAtPath(doc, 'd.v.x')).toBeUndefined();
    expect(valueAtPath(doc, 'd.missing.x')).toBeUndefined();
    expect(valueAtPath(doc, 'constructor')).toBeUndefined();
    expect(valueAtPath(doc, '__proto__.toString')).toBeUndefined();
    expect(valueAtPath(5, 'a')).toBeUndefined();
  });
});

describe('parseTimestamp', () => {
  it('reads epoch seconds, ms, µs and ns by magnitude, and ISO-8601 with an offset', () => {
    expect(parseTimestamp(T0 / 1000)).toBe(T0);
    expect(parseTimestamp(T0 / 1000 + 0.25)).toBe(T0 + 250);
    expect(parseTimestamp(T0)).toBe(T0);
    expect(parseTimestamp(T0 * 1000 + 999)).toBe(T0 + 1);
    expect(parseTimestamp(T0 * 1e6)).toBe(T0);
    expect(parseTimestamp(String(T0))).toBe(T0);
    expect(parseTimestamp('2026-03-02T06:00:00Z')).toBe(T0);
    expect(parseTimestamp('2026-03-02T07:00:00.000+01:00')).toBe(T0);
    // The boundary: 1e11 - 1 is seconds (year 5138), 1e11 is milliseconds (1973).
    expect(parseTimestamp(99_999_999_999)).toBe(99_999_999_999_000);
    expect(parseTimestamp(100_000_000_000)).toBe(100_000_000_000);
    expect(parseTimestamp(0)).toBe(0);
  });

  it.each([
    [-1, /before 1970/],
    [Number.NaN, /not a finite number/],
    [Number.POSITIVE_INFINITY, /not a finite number/],
    [1e22, /beyond the year 275760/],
    ['2026-03-02T06:00:00', /with Z or an offset/],
    ['2026-13-45T06:00:00Z', /not a valid date-time/],
    ['yesterday', /expected epoch/],
    [null, /expected a number or an ISO-8601 string, got null/],
    [{ t: 1 }, /got an object/],
    [true, /got true/],
  ])('rejects %s', (raw, reason) => {
    const r = parseTimestamp(raw);
    expect(typeof r).toBe('object');
    expect((r as { reason: string }).reason).toMatch(reason);
  });
});

describe('parseValue', () => {
  it('takes finite numbers, booleans and decimal strings', () => {
    expect(parseValue(12.5)).toBe(12.5);
    expect(parseValue(false)).toBe(false);
    expect(parseValue('12.5')).toBe(12.5);
    expect(parseValue(' -3e2 ')).toBe(-300);
    expect(parseValue('.5')).toBe(0.5);
    expect(parseValue(1e308)).toBe(1e308);
  });

  it.each([
    ['NaN', /not a decimal number/],
    ['Infinity', /not a decimal number/],
    ['-Infinity', /not a decimal number/],
    ['0x1F', /not a decimal number/],
    ['', /not a decimal number/],
    ['1e400', /too large for a double/],
    ['1'.repeat(65), /not a decimal number/],
    [Number.POSITIVE_INFINITY, /not a finite number/],
    [null, /got null/],
    [[1], /got an array/],
    [undefined, /missing/],
  ])('rejects %s', (raw, reason) => {
    const r = parseValue(raw);
    expect(typeof r).toBe('object');
    expect((r as { reason: string }).reason).toMatch(reason);
  });
});

describe('parseQuality', () => {
  it('takes the three names in any case, defaulting to good', () => {
    expect(parseQuality(undefined)).toBe('good');
    expect(parseQuality('Uncertain')).toBe('uncertain');
    expect(parseQuality('BAD')).toBe('bad');
    expect(parseQuality(192)).toEqual({ reason: 'quality: expected good, uncertain or bad, got 192' });
    expect(parseQuality('constructor')).toMatchObject({ reason: expect.any(String) });
  });
});

describe('payloadText', () => {
  it('refuses empty, oversized and non-UTF-8 payloads with a reason', () => {
    expect(payloadText(new TextEncoder().encode('{"value":1}'))).toBe('{"value":1}');
    expect(payloadText(new Uint8Array())).toEqual({ reason: expect.stringMatching(/^empty payload/) });
    expect(payloadText(new Uint8Array(1024 * 1024 + 1))).toEqual({
      reason: expect.stringMatching(/^payload too large: 1048577 bytes \(limit 1048576\)/),
    });
    expect(payloadText(new Uint8Array([0xc3, 0x28]))).toEqual({
      reason: expect.stringMatching(/^payload is not valid UTF-8/),
    });
  });
});

describe('mapUnsMessage', () => {
  it('maps the UNS object, bare values and the prefix', () => {
    expect(
      mapUnsMessage(TAG, `{"value":61.5,"timestamp":${T0},"quality":"uncertain"}`, undefined, ARRIVAL),
    ).toEqual({
      kind: 'sample',
      sample: { tag: TAG, ts: T0, value: 61.5, quality: 'uncertain' },
      stamped: false,
    });
    expect(
      mapUnsMessage('line1/press3/t', `{"value":1,"ts":"${new Date(T0).toISOString()}"}`, 'acme/plant1', 0),
    ).toEqual({
      kind: 'sample',
      sample: { tag: 'acme/plant1/line1/press3/t', ts: T0, value: 1, quality: 'good' },
      stamped: false,
    });
    expect(mapUnsMessage(TAG, '42', undefined, ARRIVAL)).toEqual({
      kind: 'sample',
      sample: { tag: TAG, ts: ARRIVAL, value: 42, quality: 'good' },
      stamped: true,
    });
    expect(mapUnsMessage(TAG, '"42.5"', undefined, ARRIVAL)).toMatchObject({ sample: { value: 42.5 } });
    expect(mapUnsMessage(TAG, 'true', undefined, ARRIVAL)).toMatchObject({ sample: { value: true } });
  });

  it('routes <asset>/_events to events with the asset from the topic', () => {
    const alarm = { kind: 'alarm', ts: T0, code: 'x', severity: 'low', state: 'raised', asset: 'spoofed' };
    expect(mapUnsMessage('line1/press3/_events', JSON.stringify([alarm]), 'acme/plant1', 0)).toEqual({
      kind: 'events',
      items: [{ ...alarm, asset: 'acme/plant1/line1/press3' }],
    });
  });

  it.each([
    ['{"value":', /^payload is not JSON/],
    ['[1,2]', /^payload must be a number, a boolean or a \{"value", "timestamp"\} object, got an array/],
    ['null', /got null/],
    ['{"timestamp":1}', /^value: missing/],
    ['{"value":"NaN"}', /^value: a string that is not a decimal number/],
    ['{"value":1,"timestamp":-5}', /^timestamp: before 1970/],
    ['{"value":1,"quality":"ok"}', /^quality: expected/],
  ])('rejects %s', (text, reason) => {
    const r = mapUnsMessage(TAG, text, undefined, ARRIVAL);
    expect(r.kind).toBe('invalid');
    expect(r.kind === 'invalid' && r.reason).toMatch(reason);
  });
});

describe('mapJsonMessage', () => {
  const sub = {
    paths: { value: 'data.v', timestamp: 'data.t', quality: 'q' },
    tag: 'acme/plant1/{1}/{2}/temp',
  };

  it('reads dotted paths and names the tag from the template', () => {
    expect(
      mapJsonMessage('f/line1/press3/data', `{"data":{"v":"7.5","t":${T0 / 1000}},"q":"bad"}`, sub, 0),
    ).toEqual({
      kind: 'sample',
      sample: { tag: 'acme/plant1/line1/press3/temp', ts: T0, value: 7.5, quality: 'bad' },
      stamped: false,
    });
    // No timestamp path configured: the arrival time; no tag template: the topic.
    expect(mapJsonMessage(TAG, '{"value":3}', {}, ARRIVAL)).toEqual({
      kind: 'sample',
      sample: { tag: TAG, ts: ARRIVAL, value: 3, quality: 'good' },
      stamped: true,
    });
  });

  it('says which path or level is missing', () => {
    expect(mapJsonMessage('f/line1/press3/data', '{"data":{"t":1}}', sub, 0)).toEqual({
      kind: 'invalid',
      reason: 'value: nothing at path "data.v"',
    });
    expect(mapJsonMessage('f/line1/press3/data', '{"data":{"v":1}}', sub, 0)).toEqual({
      kind: 'invalid',
      reason: 'timestamp: nothing at path "data.t"',
    });
    expect(mapJsonMessage('f/line1', '{"data":{"v":1,"t":1}}', sub, 0)).toEqual({
      kind: 'invalid',
      reason: 'tag template "acme/plant1/{1}/{2}/temp" needs topic level {2}, the topic has 2',
    });
    expect(mapJsonMessage('f/line1/press3/data', '12', sub, 0)).toMatchObject({ kind: 'invalid' });
  });
});

describe('RecentKeys', () => {
  it('remembers the last `capacity` keys and forgets the oldest first', () => {
    const keys = new RecentKeys(3);
    for (const k of ['a', 'b', 'c']) keys.add(k);
    expect(keys.has('a')).toBe(true);
    keys.add('d');
    expect(keys.has('a')).toBe(false);
    expect(['b', 'c', 'd'].every((k) => keys.has(k))).toBe(true);
    keys.add('c'); // already known: does not push anything out
    expect(keys.has('b')).toBe(true);
    expect(keys.size).toBe(3);
    for (let i = 0; i < 1000; i++) keys.add(`k${i}`);
    expect(keys.size).toBe(3);
    expect(keys.has('k999') && keys.has('k997') && !keys.has('k996')).toBe(true);
  });
});
