/** Principals, roles and API tokens. */
import { z } from 'zod';

/** Roles in increasing order of rights; each role holds every right of the roles before it. */
export const ROLES = ['viewer', 'operator', 'planner', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** Who is calling an operation. */
export interface Principal {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

export const ApiTokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: z.number(),
  revokedAt: z.number().optional(),
});
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;

/** A stored token: only the SHA-256 of the secret is kept. */
export interface StoredApiToken extends ApiTokenInfo {
  readonly secretHash: string;
}

/** Keys whose string values are never shown or logged: inline passwords and secrets. */
const SECRET_KEY = /password|secret/i;

/** A JSON copy of `value` with every secret-named string replaced by "***" (for audit entries and listings). */
export function redactSecrets<T>(value: T): T {
  const text = JSON.stringify(value, (key, v: unknown) =>
    SECRET_KEY.test(key) && typeof v === 'string' ? '***' : v,
  );
  return (text === undefined ? value : JSON.parse(text)) as T;
}
