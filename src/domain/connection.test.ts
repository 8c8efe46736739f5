import { describe, expect, it } from 'vitest';
import { ConnectionConfig, matchesAllowList } from './connection.js';

describe('matchesAllowList', () => {
  it.each([
    ['acme/plant1/press3/temp', ['acme/plant1/**'], true],
    ['acme/plant1', ['acme/plant1/**'], true],
    ['acme/plant2/press3/temp', ['acme/plant1/**'], false],
    ['acme/plant1/press3/temp', ['acme/*/press3/temp'], true],
    ['acme/plant1/x/press3/temp', ['acme/*/press3/temp'], false],
    ['acme/plant1/x/y/temp', ['acme/**/temp'], true],
    ['acme/temp', ['acme/**/temp'], true],
    ['acme/plant1/press3/temp', ['**'], true],
    ['acme/plant1/press3/temp', [], false],
    ['acme/plant1.x/a', ['acme/plant1/*'], false],
  ])('%s against %j → %s', (path, patterns, expected) => {
    expect(matchesAllowList(path, patterns)).toBe(expected);
  });
});

describe('ConnectionConfig', () => {
  it('defaults an MQTT connection to UNS, auto-registration off', () => {
    const c = ConnectionConfig.parse({
      kind: 'mqtt',
      id: 'line1',
      url: 'mqtt://127.0.0.1:1883',
      subscriptions: [{ topic: 'acme/#' }],
    });
    expect(c.kind === 'mqtt' && c.subscriptions[0]?.format).toBe('uns');
    expect(c.kind === 'mqtt' && c.autoRegister).toEqual({ enabled: false, allow: [] });
  });

  it('explains a wrong URL and an unknown kind', () => {
    const bad = ConnectionConfig.safeParse({
      kind: 'mqtt',
      id: 'x',
      url: 'http://x',
      subscriptions: [{ topic: '#' }],
    });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/mqtt:\/\/host:port/);
    expect(ConnectionConfig.safeParse({ kind: 'modbus', id: 'x' }).success).toBe(false);
  });
});
