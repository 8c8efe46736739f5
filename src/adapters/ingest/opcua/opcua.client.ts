/**
 * What every OPC UA exchange of Gemba shares: the endpoint and its security, the user identity, the client PKI
 * under the connection's state folder (trust on first use), one-shot sessions, and error texts a person can act on.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import {
  type ClientSession,
  type ConnectionStrategyOptions,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  type UserIdentityInfo,
  UserTokenType,
} from 'node-opcua-client';
import {
  type OPCUA_SECURITY_MODES,
  type OPCUA_SECURITY_POLICIES,
  OperationalError,
  UserError,
} from '../../../domain/index.js';

export type OpcUaSecurityMode = (typeof OPCUA_SECURITY_MODES)[number];
export type OpcUaSecurityPolicy = (typeof OPCUA_SECURITY_POLICIES)[number];

/** Where and how to reach one OPC UA server: the fields a connection record and the browse/test calls share. */
export interface OpcUaEndpoint {
  readonly endpointUrl: string;
  /** Default None. */
  readonly securityMode?: OpcUaSecurityMode | undefined;
  /** Default None; must be other than None when the mode is Sign or SignAndEncrypt. */
  readonly securityPolicy?: OpcUaSecurityPolicy | undefined;
  /** Without a user name the session is anonymous. */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  /** File holding the password (a trailing newline is ignored); preferred over `password`. */
  readonly passwordFile?: string | undefined;
  /** The connection's own state folder: the client certificate and trust lists live in `<stateDir>/pki`. */
  readonly stateDir: string;
}

/** The PKI folder of a connection: own/ (Gemba's certificate and key), trusted/certs, rejected/, issuers/certs. */
export function pkiFolder(stateDir: string): string {
  return join(stateDir, 'pki');
}

/** Gemba's client certificate, which a server administrator trusts on the server for Sign / SignAndEncrypt. */
export function clientCertificateFile(stateDir: string): string {
  return join(pkiFolder(stateDir), 'own', 'certs', 'client_certificate.pem');
}

/** Throws UserError invalid_input when the mode and the policy do not go together. */
export function checkSecurity(endpoint: Pick<OpcUaEndpoint, 'securityMode' | 'securityPolicy'>): {
  mode: MessageSecurityMode;
  policy: SecurityPolicy;
} {
  const mode = endpoint.securityMode ?? 'None';
  const policy = endpoint.securityPolicy ?? 'None';
  if (mode === 'None' && policy !== 'None') {
    throw new UserError(
      'invalid_input',
      `securityPolicy ${policy} needs securityMode Sign or SignAndEncrypt (the mode is None)`,
    );
  }
  if (mode !== 'None' && policy === 'None') {
    throw new UserError(
      'invalid_input',
      `securityMode ${mode} needs a securityPolicy other than None, e.g. Basic256Sha256`,
    );
  }
  return { mode: MessageSecurityMode[mode], policy: SecurityPolicy[policy] };
}

/** The session identity: anonymous, or the user name with the password (read from `passwordFile` first). */
export async function userIdentity(endpoint: OpcUaEndpoint): Promise<UserIdentityInfo> {
  if (endpoint.username === undefined) return { type: UserTokenType.Anonymous };
  let password = endpoint.password ?? '';
  if (endpoint.passwordFile !== undefined) {
    try {
      password = (await readFile(endpoint.passwordFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw new UserError('invalid_input', `cannot read passwordFile ${endpoint.passwordFile}`, {
        cause: error,
      });
    }
  }
  return { type: UserTokenType.UserName, userName: endpoint.username, password };
}

async function hasTrustedCertificate(pki: string): Promise<boolean> {
  try {
    return (await readdir(join(pki, 'trusted', 'certs'))).some((f) => /\.(der|pem|crt)$/i.test(f));
  } catch {
    // No trusted/ folder yet: a fresh PKI.
    return false;
  }
}

/**
 * Opens the connection's PKI (creating it, and Gemba's self-signed client certificate, on first use).
 *
 * Trust on first use: while trusted/certs is empty, the first server certificate seen on a secured connection is
 * trusted and filed there; from then on only certificates in trusted/certs (or issued by a CA in issuers/) are
 * accepted, and any other lands in rejected/, from where an engineer can move it to trusted/certs to accept it.
 * Call `lockTrust` once a connection succeeded, so a certificate swapped later is refused.
 */
export async function openCertificateManager(stateDir: string): Promise<OPCUACertificateManager> {
  const rootFolder = pkiFolder(stateDir);
  const manager = new OPCUACertificateManager({
    rootFolder,
    automaticallyAcceptUnknownCertificate: !(await hasTrustedCertificate(rootFolder)),
    keySize: 2048,
    // The store is opened again on every connection attempt, so a certificate moved by hand is seen then;
    // watchers would only hold file handles.
    disableFileWatchers: true,
  });
  await manager.initialize();
  return manager;
}

/** Ends trust on first use for this manager: from now on an unknown server certificate is rejected. */
export function lockTrust(manager: OPCUACertificateManager): void {
  manager.automaticallyAcceptUnknownCertificate = false;
}

/**
 * Gemba's application URI. Servers check it against the client certificate, which is made once per PKI, so it
 * is the same for every use of a state folder (connector, browse, test) and does not include the host name.
 */
export const GEMBA_APPLICATION_URI = 'urn:gemba:opcua-client';

export function createOpcUaClient(options: {
  readonly endpoint: OpcUaEndpoint;
  readonly certificateManager: OPCUACertificateManager;
  /** Names the sessions, e.g. the connection id. */
  readonly name: string;
  readonly connectionStrategy: ConnectionStrategyOptions;
  readonly keepSessionAlive?: boolean;
}): OPCUAClient {
  const { mode, policy } = checkSecurity(options.endpoint);
  return OPCUAClient.create({
    applicationName: 'Gemba',
    applicationUri: GEMBA_APPLICATION_URI,
    clientName: `gemba-${options.name}`,
    clientCertificateManager: options.certificateManager,
    securityMode: mode,
    securityPolicy: policy,
    // The URL the engineer gave is used as is, even when the server advertises another host name.
    endpointMustExist: false,
    connectionStrategy: options.connectionStrategy,
    keepSessionAlive: options.keepSessionAlive ?? false,
    requestedSessionTimeout: 60_000,
  });
}

/** Reasons that retrying cannot fix without a person changing something. */
export type OpcUaFailure = 'identity' | 'security' | 'certificate' | 'transient';

/**
 * Turns what node-opcua threw into a sentence an engineer can act on, and says whether retrying may help.
 * @example describeOpcUaError(errorFromACreateSessionWithAWrongPassword, endpoint)
 * // → { failure: 'identity', message: 'the server rejected user "op": wrong user name or password, …' }
 */
export function describeOpcUaError(
  error: unknown,
  context: Pick<OpcUaEndpoint, 'endpointUrl' | 'securityMode' | 'securityPolicy' | 'username' | 'stateDir'>,
): { message: string; failure: OpcUaFailure } {
  const text = error instanceof Error ? error.message : String(error);
  const pki = pkiFolder(context.stateDir);
  if (/BadUserAccessDenied|BadIdentityToken(Rejected|Invalid)/.test(text)) {
    const who = context.username === undefined ? 'anonymous sessions' : `user "${context.username}"`;
    const code = /Bad\w+/.exec(text)?.[0] ?? 'BadUserAccessDenied';
    return {
      failure: 'identity',
      message: `the server rejected ${who}: wrong user name or password, or not allowed (${code})`,
    };
  }
  if (/Cannot find ANONYMOUS user token policy/i.test(text)) {
    return {
      failure: 'identity',
      message: 'the server does not accept anonymous sessions: configure username and password',
    };
  }
  if (/Cannot find (an )?USERNAME user token policy/i.test(text)) {
    return {
      failure: 'identity',
      message: 'the server does not accept user name and password on this endpoint',
    };
  }
  if (/Cannot find an Endpoint matching|cannot find endpoint for securityMode/i.test(text)) {
    return {
      failure: 'security',
      message:
        `the server offers no endpoint with securityMode ${context.securityMode ?? 'None'} and securityPolicy ` +
        `${context.securityPolicy ?? 'None'} (browse its endpoints or change the connection's security)`,
    };
  }
  if (/server Certificate verification failed/i.test(text)) {
    const code = /Bad\w+/.exec(text)?.[0] ?? 'BadCertificateUntrusted';
    return {
      failure: 'certificate',
      message:
        `the server's certificate is not trusted (${code}): it is not the one trusted on first use. If the ` +
        `change is expected, move it from ${join(pki, 'rejected')} to ${join(pki, 'trusted', 'certs')}`,
    };
  }
  if (/BadSecurityChecksFailed|BadCertificate\w*|BadSecurityPolicyRejected/.test(text)) {
    const code = /Bad\w+/.exec(text)?.[0] ?? 'BadSecurityChecksFailed';
    return {
      failure: 'certificate',
      message:
        `the server refused the secure channel (${code}): trust Gemba's client certificate ` +
        `${clientCertificateFile(context.stateDir)} on the server`,
    };
  }
  const firstLine = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^Please check/.test(l))
    .join(' ');
  return { failure: 'transient', message: `${context.endpointUrl}: ${firstLine}` };
}

/** Rejects with OperationalError timeout when `promise` takes longer than `ms`; clears its timer either way. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OperationalError('timeout', `${what} took longer than ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects, opens a session, runs `fn` and closes everything, for one-shot calls (browse, test a connection).
 * Makes a single connection attempt; the whole call is bounded by `timeoutMs`.
 */
export async function withOpcUaSession<T>(
  endpoint: OpcUaEndpoint & { readonly timeoutMs?: number | undefined },
  fn: (session: ClientSession) => Promise<T>,
): Promise<T> {
  checkSecurity(endpoint);
  const identity = await userIdentity(endpoint);
  const certificateManager = await openCertificateManager(endpoint.stateDir);
  const client = createOpcUaClient({
    endpoint,
    certificateManager,
    name: 'one-shot',
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 100 },
  });
  const timeoutMs = endpoint.timeoutMs ?? 15_000;
  let session: ClientSession | undefined;
  try {
    return await withTimeout(
      (async () => {
        await client.connect(endpoint.endpointUrl);
        session = await client.createSession(identity);
        lockTrust(certificateManager);
        return fn(session);
      })(),
      timeoutMs,
      `talking to ${endpoint.endpointUrl}`,
    );
  } finally {
    if (session) await withTimeout(session.close(true), 2_000, 'closing the session').catch(() => undefined);
    await client.disconnect().catch(() => undefined);
    await certificateManager.dispose();
  }
}
