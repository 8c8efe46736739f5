import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has safe defaults: loopback, port 8080, MQTT on 1883, demo off', () => {
    const c = loadConfig({});
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(c.mqtt).toMatchObject({ enabled: true, port: 1883 });
    expect(c.demo.enabled).toBe(false);
    expect(c.dataDir).toBe('./data');
  });

  it('reads variables and ignores unrelated ones', () => {
    const c = loadConfig({ GEMBA_PORT: '0', GEMBA_DEMO: 'true', GEMBA_MQTT_ENABLED: 'no', PATH: '/bin' });
    expect(c.http.port).toBe(0);
    expect(c.demo.enabled).toBe(true);
    expect(c.mqtt.enabled).toBe(false);
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ GEMBA_PORT: '99999' })).toThrow(/GEMBA_PORT/);
    expect(() => loadConfig({ GEMBA_DEMO: 'maybe' })).toThrow(/GEMBA_DEMO/);
  });

  it('takes secrets from <VAR>_FILE', () => {
    const token = `gmb_${'a'.repeat(43)}`;
    const c = loadConfig({ GEMBA_ADMIN_TOKEN_FILE: '/run/secrets/admin' }, (p) =>
      p === '/run/secrets/admin' ? `${token}\n` : '',
    );
    expect(c.adminToken).toBe(token);
    expect(() => loadConfig({ GEMBA_ADMIN_TOKEN: 'short' })).toThrow(/GEMBA_ADMIN_TOKEN/);
  });
});
