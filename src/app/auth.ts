/**
 * API tokens: `gmb_` + 32 random bytes (base64url). Only the SHA-256 of a token is stored; a token is shown
 * once, when it is created. Uses the Web Crypto API (global in Node ≥ 20 and in browsers), so the core stays pure.
 */
import {
  type ApiTokenRepository,
  type Clock,
  type Principal,
  type Role,
  type StoredApiToken,
  UserError,
} from '../domain/index.js';

export const TOKEN_PREFIX = 'gmb_';

export interface CreatedToken {
  readonly token: string;
  readonly info: StoredApiToken;
}

export class TokenService {
  readonly #repo: ApiTokenRepository;
  readonly #clock: Clock;
  /** Verified hashes → principal; revocation clears it. */
  readonly #cache = new Map<string, Principal>();

  constructor(repo: ApiTokenRepository, clock: Clock) {
    this.#repo = repo;
    this.#clock = clock;
  }

  async create(name: string, role: Role): Promise<CreatedToken> {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const token = TOKEN_PREFIX + base64url(bytes);
    const info: StoredApiToken = {
      id: crypto.randomUUID(),
      name,
      role,
      createdAt: this.#clock.now(),
      secretHash: await sha256Hex(token),
    };
    await this.#repo.createToken(info);
    return { token, info };
  }

  /**
   * Accepts a token chosen outside Gemba (GEMBA_ADMIN_TOKEN from a secret store): stores its hash once.
   * Resolves to false when it was already known.
   */
  async adopt(token: string, name: string, role: Role): Promise<boolean> {
    const secretHash = await sha256Hex(token);
    if (await this.#repo.findTokenByHash(secretHash)) return false;
    await this.#repo.createToken({
      id: crypto.randomUUID(),
      name,
      role,
      createdAt: this.#clock.now(),
      secretHash,
    });
    return true;
  }

  /** The principal a bearer token stands for; UserError unauthenticated when it is unknown or revoked. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token)
      throw new UserError('unauthenticated', 'an API token is required: Authorization: Bearer <token>');
    const hash = await sha256Hex(token);
    const cached = this.#cache.get(hash);
    if (cached) return cached;
    const stored = await this.#repo.findTokenByHash(hash);
    if (!stored || stored.revokedAt !== undefined) {
      throw new UserError('unauthenticated', 'the API token is unknown or revoked');
    }
    const principal: Principal = { id: stored.id, name: stored.name, role: stored.role };
    this.#cache.set(hash, principal);
    return principal;
  }

  async revoke(id: string): Promise<boolean> {
    const done = await this.#repo.revokeToken(id, this.#clock.now());
    this.#cache.clear();
    return done;
  }
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
