/**
 * A real Mosquitto broker (Debian package `mosquitto`) on a free loopback port, for connector tests and benchmarks.
 * Options: a password file, TLS with a throw-away CA (made with openssl), persistence so a restart keeps sessions.
 * Where Mosquitto is missing, `mosquittoUnavailable()` gives the reason to skip, except under CI=true.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';

/** The reason to skip broker tests here, or undefined when Mosquitto is installed. Under CI=true, never a reason. */
export function mosquittoUnavailable(): string | undefined {
  if (existsSync(MOSQUITTO_BIN)) return undefined;
  if (process.env['CI'] === 'true') return undefined; // the test then fails on start, as CI must
  return `Mosquitto not installed (${MOSQUITTO_BIN}): apt-get install mosquitto`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface MosquittoOptions {
  /** username → password; anonymous clients are refused when given. */
  users?: Record<string, string>;
  /** Serve TLS (mqtts) with a CA made for this broker; `ca` is then the file clients must trust. */
  tls?: boolean;
  /** Require client certificates signed by the CA (implies tls). */
  requireClientCert?: boolean;
}

export interface Mosquitto extends AsyncDisposable {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** PEM files when TLS is on. */
  readonly ca?: string;
  readonly clientCert?: string;
  readonly clientKey?: string;
  /** Stops the broker (SIGTERM, persistence written) and starts it again on the same port with the same state. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** What the broker logged, for failing tests. */
  log(): string;
}

function openssl(args: string[], cwd: string): void {
  // node-opcua's PKI sets OPENSSL_CONF and RANDFILE in this process's environment (to files it may have removed
  // since); the openssl command gets the system defaults instead.
  const { OPENSSL_CONF: _conf, RANDFILE: _rand, ...env } = process.env;
  execFileSync('openssl', args, { cwd, stdio: 'ignore', env });
}

function makeCertificates(dir: string): void {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=gemba-test-ca',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
    ],
    dir,
  );
  for (const [name, cn] of [
    ['server', 'localhost'],
    ['client', 'gemba-test-client'],
  ] as const) {
    openssl(
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        `/CN=${cn}`,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
      ],
      dir,
    );
    writeFileSync(
      join(dir, `${name}.ext`),
      name === 'server' ? 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n',
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.crt`,
      ],
      dir,
    );
  }
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'gemba-mosquitto-'));
  const port = await freePort();
  const tls = options.tls === true || options.requireClientCert === true;
  const lines = [
    `listener ${port} 127.0.0.1`,
    // Run as root, Mosquitto would switch to its own user, who cannot read this private temp folder.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    'persistence true',
    `persistence_location ${dir}/`,
    'autosave_interval 1',
    // QoS 1 backlogs of benchmarks and restart tests must not be dropped by the broker's default limits.
    'max_queued_messages 1000000',
    'max_inflight_messages 0',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
  ];
  if (options.users) {
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, '');
    for (const [user, password] of Object.entries(options.users)) {
      execFileSync('mosquitto_passwd', ['-b', passwd, user, password], { stdio: 'ignore' });
    }
    lines.push('allow_anonymous false', `password_file ${passwd}`);
  } else {
    lines.push('allow_anonymous true');
  }
  if (tls) {
    makeCertificates(dir);
    lines.push(`cafile ${dir}/ca.crt`, `certfile ${dir}/server.crt`, `keyfile ${dir}/server.key`);
    if (options.requireClientCert) lines.push('require_certificate true', 'use_identity_as_username true');
  }
  writeFileSync(join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);

  let child: ChildProcess | undefined;
  let log = '';
  const start = async (): Promise<void> => {
    const proc = spawn(MOSQUITTO_BIN, ['-c', join(dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`mosquitto exited with ${proc.exitCode}:\n${log}`);
      if (await canConnect(port)) return;
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port}:\n${log}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    port,
    url: `${tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    dir,
    ...(tls && {
      ca: join(dir, 'ca.crt'),
      clientCert: join(dir, 'client.crt'),
      clientKey: join(dir, 'client.key'),
    }),
    start,
    stop,
    async restart(downMs = 500) {
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    log: () => log,
    async [Symbol.asyncDispose]() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    import('node:net')
      .then(({ connect }) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      })
      .catch(() => resolve(false));
  });
}
