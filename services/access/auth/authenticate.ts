import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../../lib/errors';
import { ANONYMOUS, type AuthFailureReason, type Principal } from './principal';
import type { TrustedIssuer } from './trust';
import { AuthError, verifyAccessToken } from './verify';

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
    return verifyAccessToken(m[1], trust);
  } catch (err) {
    if (err instanceof AuthError) throw new AuthenticationFailed(err.reason);
    throw err;
  }
}
