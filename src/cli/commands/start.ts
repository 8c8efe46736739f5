/** `gemba start [--demo] [--data DIR] [--config FILE] [--port N] [--host H] [--mqtt-port N] [--no-mqtt]` */
import { loadConfig } from '../../server/config.js';
import { createPlatform } from '../../server/platform.js';
import { type ParsedArgs, boolFlag, stringFlag } from '../args.js';

export async function startCommand(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<void> {
  const overrides: Record<string, string> = {};
  const set = (flag: string, name: string) => {
    const v = stringFlag(args, flag);
    if (v !== undefined) overrides[name] = v;
  };
  set('data', 'GEMBA_DATA_DIR');
  set('port', 'GEMBA_PORT');
  set('host', 'GEMBA_HOST');
  set('mqttPort', 'GEMBA_MQTT_PORT');
  set('seed', 'GEMBA_DEMO_SEED');
  set('config', 'GEMBA_CONFIG_FILE');
  if (boolFlag(args, 'demo')) overrides['GEMBA_DEMO'] = 'true';
  if (args.flags['mqtt'] === false) overrides['GEMBA_MQTT_ENABLED'] = 'false';
  const config = loadConfig({ ...env, ...overrides });

  process.stderr.write(
    config.demo.enabled
      ? `Starting Gemba with the demo plant (generating ${config.demo.backfillMinutes} min of history)…\n`
      : 'Starting Gemba…\n',
  );
  const platform = await createPlatform(config);
  const link = platform.adminToken ? `${platform.url}/#token=${platform.adminToken}` : platform.url;
  process.stdout.write(
    [
      '',
      `  Gemba is running   data: ${config.dataDir}`,
      `  Dashboard:         ${link}`,
      `  API:               ${platform.url}/api/v1  (OpenAPI: ${platform.url}/api/v1/openapi.json)`,
      platform.mqttUrl ? `  MQTT broker:       ${platform.mqttUrl}  (UNS topics: acme/plant1/…)` : '',
      platform.adminToken
        ? `  Admin token:       ${platform.adminToken}`
        : '  Admin token:       (not on file; create tokens with `gemba tokens create`)',
      '',
      '  Ctrl+C stops; every acknowledged sample is already on disk.',
      '',
    ]
      .filter((l, i, all) => l !== '' || all[i - 1] !== '')
      .join('\n') + '\n',
  );

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\n${signal}: stopping…\n`);
      platform[Symbol.asyncDispose]().then(resolve, (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
