import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { ErrorCode } from '../../../lib/errors';
import { ANONYMOUS, type AuthFailureReason, type Principal } from './principal';
import type { TrustedIssuer } from './trust';
import { AuthError, recheckTimes, verifyAccessTokenDetailed, type VerifiedToken } from './verify';

/** A refused token: 401 with `extensions.reason`; the token itself is never echoed or logged. */
export class AuthenticationFailed extends GraphQLError {
  constructor(readonly reason: AuthFailureReason) {
    super('Invalid access token', {
      extensions: {
        code: ErrorCode.UNAUTHENTICATED,
        reason,
        http: { status: 401, headers: new HeaderMap([['www-authenticate', 'Bearer error="invalid_token"']]) },
      },
    });
  }
}

/**
 * The principal of a request from its Authorization header: none → ANONYMOUS (only
 * public fields answer); `Bearer <jwt>` → verified once here; anything else, or a
 * token that fails verification, refuses the whole request with 401.
 */
export function authenticate(header: string | undefined, trust: TrustedIssuer[]): Principal {
  if (header === undefined || header === '') return ANONYMOUS;
  const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  if (!m) throw new AuthenticationFailed('MALFORMED');
  try {
    return verified(m[1], trust).principal;
  } catch (err) {
    if (err instanceof AuthError) throw new AuthenticationFailed(err.reason);
    throw err;
  }
}

/** Total length of the tokens kept verified, per trust list (about 2,000 typical tokens). */
export const VERIFIED_TOKENS_MAX_CHARS = 2_000_000;

/**
 * Tokens verified before, per trust list. An app or a client sends the same access token with
 * every request while it lasts (5 minutes for the hub's own), and its signature check is about 6 %
 * of the hub's CPU per request. A hit is the exact token string that passed the full verification;
 * it is checked again against the clock (expiry, not-before, lifetime: the same rules and
 * tolerance) and against the trust list (the issuer entry and the very key that verified it are
 * still the trusted ones), so a cached token is accepted only when a full verification would
 * accept it now. Refused tokens are never kept. Least recently used out, bounded by total length.
 */
const verifiedTokens = new WeakMap<TrustedIssuer[], LRUCache<string, VerifiedToken>>();

function verified(token: string, trust: TrustedIssuer[]): VerifiedToken {
  let cache = verifiedTokens.get(trust);
  if (!cache) {
    cache = new LRUCache({ maxSize: VERIFIED_TOKENS_MAX_CHARS, sizeCalculation: (_v, k) => k.length });
    verifiedTokens.set(trust, cache);
  }
  const hit = cache.get(token);
  if (hit && trust.includes(hit.issuer) && hit.issuer.keys.get(hit.kid) === hit.key) {
    try {
      recheckTimes(hit);
      return hit;
    } catch (err) {
      cache.delete(token);
      throw err;
    }
  }
  const v = verifyAccessTokenDetailed(token, trust);
  // Shared by every request that presents this token from now on.
  for (const x of Object.values(v.principal)) if (x && typeof x === 'object') Object.freeze(x);
  Object.freeze(v.principal);
  cache.set(token, v); // at most 8 KB (verifyAccessToken's bound): never near the cache's size
  return v;
}
