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

describe('the config file', () => {
  const files: Record<string, string> = {
    '/etc/gemba/good.yaml': `
connections:
  - kind: mqtt
    id: line1-broker
    url: mqtts://broker.plant.local:8883
    passwordFile: /run/secrets/mqtt
    subscriptions:
      - topic: acme/plant1/#
`,
    '/etc/gemba/typo.yaml': 'conections: []\n',
    '/etc/gemba/bad-url.yaml':
      'connections:\n  - {kind: mqtt, id: x, url: "http://x", subscriptions: [{topic: "#"}]}\n',
    '/etc/gemba/not-yaml.yaml': 'connections: [\n',
  };
  const read = (p: string) => {
    const text = files[p];
    if (text === undefined) throw new Error(`ENOENT ${p}`);
    return text;
  };

  it('reads connections and applies their defaults', () => {
    const c = loadConfig({ GEMBA_CONFIG_FILE: '/etc/gemba/good.yaml' }, read);
    expect(c.connections).toHaveLength(1);
    expect(c.connections[0]).toMatchObject({ id: 'line1-broker', autoRegister: { enabled: false } });
  });

  it('names what is wrong: an unknown key, a field, bad YAML, a missing file', () => {
    expect(() => loadConfig({ GEMBA_CONFIG_FILE: '/etc/gemba/typo.yaml' }, read)).toThrow(/conections/);
    expect(() => loadConfig({ GEMBA_CONFIG_FILE: '/etc/gemba/bad-url.yaml' }, read)).toThrow(
      /connections\.0\.url/,
    );
    expect(() => loadConfig({ GEMBA_CONFIG_FILE: '/etc/gemba/not-yaml.yaml' }, read)).toThrow(
      /not valid YAML/,
    );
    expect(() => loadConfig({ GEMBA_CONFIG_FILE: '/etc/gemba/missing.yaml' }, read)).toThrow(/cannot read/);
  });
});

describe('the language model settings', () => {
  it('has none by default', () => {
    expect(loadConfig({}).llm).toEqual({ provider: 'none' });
  });

  it('reads a local model with one thread by default', () => {
    expect(
      loadConfig({ GEMBA_LLM_PROVIDER: 'llama-cpp', GEMBA_LLM_MODEL_PATH: '/models/m.gguf' }).llm,
    ).toEqual({
      provider: 'llama-cpp',
      modelPath: '/models/m.gguf',
      threads: 1,
      contextSize: 4096,
      timeoutMs: 300_000,
    });
  });

  it('reads an OpenAI-compatible server, its key from a file', () => {
    const c = loadConfig(
      {
        GEMBA_LLM_PROVIDER: 'openai',
        GEMBA_LLM_BASE_URL: 'http://127.0.0.1:11434',
        GEMBA_LLM_MODEL: 'qwen2.5:7b-instruct',
        GEMBA_LLM_API_KEY_FILE: '/run/secrets/llm',
        GEMBA_LLM_CONTEXT_SIZE: '32768',
      },
      (p) => (p === '/run/secrets/llm' ? 'sk-local\n' : ''),
    );
    expect(c.llm).toEqual({
      provider: 'openai',
      baseUrl: 'http://127.0.0.1:11434',
      model: 'qwen2.5:7b-instruct',
      apiKey: 'sk-local',
      contextSize: 32768,
      timeoutMs: 300_000,
    });
  });

  it('names what a provider is missing, and a wrong value', () => {
    expect(() => loadConfig({ GEMBA_LLM_PROVIDER: 'llama-cpp' })).toThrow(/needs GEMBA_LLM_MODEL_PATH/);
    expect(() => loadConfig({ GEMBA_LLM_PROVIDER: 'openai', GEMBA_LLM_MODEL: 'm' })).toThrow(
      /needs GEMBA_LLM_BASE_URL \(/,
    );
    expect(() => loadConfig({ GEMBA_LLM_PROVIDER: 'openai' })).toThrow(
      /GEMBA_LLM_BASE_URL and GEMBA_LLM_MODEL/,
    );
    expect(() => loadConfig({ GEMBA_LLM_PROVIDER: 'gpt' })).toThrow(/GEMBA_LLM_PROVIDER/);
    expect(() => loadConfig({ GEMBA_LLM_THREADS: '0' })).toThrow(/GEMBA_LLM_THREADS/);
  });
});

describe('the embedder settings', () => {
  it('uses the Universal Sentence Encoder by default', () => {
    expect(loadConfig({}).embedder).toEqual({ kind: 'use' });
    expect(
      loadConfig({ GEMBA_EMBEDDER: 'use', GEMBA_EMBEDDER_MODEL_PATH: '/ignored.gguf' }).embedder,
    ).toEqual({
      kind: 'use',
    });
  });

  it('reads a local GGUF model with one thread by default', () => {
    expect(
      loadConfig({ GEMBA_EMBEDDER: 'llama-cpp', GEMBA_EMBEDDER_MODEL_PATH: '/models/nomic.gguf' }).embedder,
    ).toEqual({ kind: 'llama-cpp', modelPath: '/models/nomic.gguf', threads: 1 });
    expect(
      loadConfig({
        GEMBA_EMBEDDER: 'llama-cpp',
        GEMBA_EMBEDDER_MODEL_PATH: '/models/nomic.gguf',
        GEMBA_EMBEDDER_THREADS: '4',
      }).embedder,
    ).toEqual({ kind: 'llama-cpp', modelPath: '/models/nomic.gguf', threads: 4 });
  });

  it('reads an OpenAI-compatible server, its key from a file', () => {
    const c = loadConfig(
      {
        GEMBA_EMBEDDER: 'openai',
        GEMBA_EMBEDDER_BASE_URL: 'http://ollama:11434',
        GEMBA_EMBEDDER_MODEL: 'nomic-embed-text',
        GEMBA_EMBEDDER_DIMENSIONS: '768',
        GEMBA_EMBEDDER_API_KEY_FILE: '/run/secrets/embedder',
      },
      (p) => (p === '/run/secrets/embedder' ? 'sk-embed\n' : ''),
    );
    expect(c.embedder).toEqual({
      kind: 'openai',
      baseUrl: 'http://ollama:11434',
      model: 'nomic-embed-text',
      dimensions: 768,
      apiKey: 'sk-embed',
    });
    expect(
      loadConfig({
        GEMBA_EMBEDDER: 'openai',
        GEMBA_EMBEDDER_BASE_URL: 'https://api.openai.com/v1',
        GEMBA_EMBEDDER_MODEL: 'text-embedding-3-small',
        GEMBA_EMBEDDER_DIMENSIONS: '1536',
        GEMBA_EMBEDDER_API_KEY: 'sk-direct',
      }).embedder,
    ).toEqual({
      kind: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      model: 'text-embedding-3-small',
      dimensions: 1536,
      apiKey: 'sk-direct',
    });
  });

  it('names what an embedder is missing, and a wrong value', () => {
    expect(() => loadConfig({ GEMBA_EMBEDDER: 'llama-cpp' })).toThrow(
      'configuration: GEMBA_EMBEDDER=llama-cpp needs GEMBA_EMBEDDER_MODEL_PATH (a GGUF embedding model)',
    );
    expect(() => loadConfig({ GEMBA_EMBEDDER: 'openai' })).toThrow(
      /needs GEMBA_EMBEDDER_BASE_URL, GEMBA_EMBEDDER_MODEL and GEMBA_EMBEDDER_DIMENSIONS \(/,
    );
    expect(() =>
      loadConfig({
        GEMBA_EMBEDDER: 'openai',
        GEMBA_EMBEDDER_BASE_URL: 'http://x:1',
        GEMBA_EMBEDDER_MODEL: 'm',
      }),
    ).toThrow(/needs GEMBA_EMBEDDER_DIMENSIONS \(/);
    expect(() =>
      loadConfig({ GEMBA_EMBEDDER: 'openai', GEMBA_EMBEDDER_MODEL: 'm', GEMBA_EMBEDDER_DIMENSIONS: '8' }),
    ).toThrow(/needs GEMBA_EMBEDDER_BASE_URL \(/);
    expect(() => loadConfig({ GEMBA_EMBEDDER: 'bert' })).toThrow(/GEMBA_EMBEDDER/);
    expect(() => loadConfig({ GEMBA_EMBEDDER_DIMENSIONS: '0' })).toThrow(/GEMBA_EMBEDDER_DIMENSIONS/);
    expect(() => loadConfig({ GEMBA_EMBEDDER_BASE_URL: 'ftp://x' })).toThrow(/GEMBA_EMBEDDER_BASE_URL/);
  });
});
