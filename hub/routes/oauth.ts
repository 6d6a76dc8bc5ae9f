import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import jwt from 'jsonwebtoken';
import { DOCUMENT_SCOPES, type DocumentScope } from '../../services/access/auth/principal';
import { jwks, type SigningKey } from '../../services/access/auth/keys';
import type { Store } from '../../store/connection';
import { suspendedSince } from '../../services/access/clients';
import { consentStatus, findConsent } from '../../services/access/consents/status';
import type { ConsentDoc } from '../../services/access/model';
import { restrictionState } from '../../services/access/restrictions';
import { clientAuthenticator } from './oauth-client-auth';
import {
  invalidClient,
  invalidGrant,
  invalidRequest,
  noStore,
  OAuthError,
  param,
  sendError,
  unsupportedGrantType,
} from './oauth-errors';

export { ASSERTION_ALGORITHMS, CLIENT_ASSERTION_TYPE, USED_ASSERTIONS_COLLECTION } from './oauth-client-auth';

/**
 * The hub's token endpoint and JWKS: OAuth 2.0 client credentials (RFC 6749 §4.4) plus a
 * `consent_id` for the registered clients, answering a consent-scoped access token (RFC 9068
 * `at+jwt`); with app sign-in on, also the public apps' `authorization_code` and `refresh_token`
 * grants (hub/routes/oauth-app.ts). Never logs secrets, assertions or tokens.
 */

export const MAX_TOKEN_TTL_S = 600;

/** A grant of the token endpoint: the form body in, the token response's JSON out. */
export type GrantHandler = (req: Request, body: Record<string, unknown>, at: Date) => Promise<Record<string, unknown>>;

export interface OAuthDeps {
  store: Store;
  /** The token service's keys: the first signs, all are published (rotation). */
  signingKey: SigningKey | SigningKey[];
  /** `iss` of the tokens (the hub issuer). */
  issuer: string;
  /** `aud` of the tokens. */
  audience: string;
  /** Access token lifetime in seconds. Default and maximum 600. */
  tokenTtlS?: number;
  /**
   * Audiences accepted in client assertions besides `issuer` (e.g. the public URL
   * of the token endpoint). Never derived from the request's Host header.
   */
  tokenEndpointUrls?: string[];
  /** Clock (tests). */
  now?: () => Date;
  /** Called with unexpected failures (store down...); never given the request. */
  onError?: (err: unknown) => void;
  /** More grants by `grant_type` (the public apps' authorization_code and refresh_token). */
  grants?: Readonly<Record<string, GrantHandler>>;
  /** More public keys for the JWKS (the development IdP's, which signs the apps' access tokens). */
  publishedKeys?: readonly SigningKey[];
  /**
   * Whether a parent or guardian may still act for the child (the accounts service's): a consent
   * they gave for the child gives no token once the guardianship has ended. Without it, such a
   * consent gives none at all.
   */
  guardianship?: (guardianId: string, childId: string) => Promise<{ refusal: string | null }>;
}

/** Claims of a CLIENT access token. */
export interface ClientAccessTokenClaims {
  iss: string;
  aud: string;
  kind: 'client';
  azp: string;
  sub: string;
  cid: string;
  scope: string;
  purpose: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
}

/**
 * Signs a CLIENT access token for a consent: lives `ttlS` (≤ 600) and never past the
 * consent's `validUntil`. Returns the token and its claims.
 */
export function signClientAccessToken(
  key: SigningKey,
  opts: {
    issuer: string;
    audience: string;
    consent: Pick<ConsentDoc, '_id' | 'citizenId' | 'clientId' | 'purpose' | 'validUntil'>;
    scopes: readonly DocumentScope[];
    now?: Date;
    ttlS?: number;
  },
): { token: string; claims: ClientAccessTokenClaims } {
  const nowS = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const ttl = Math.min(opts.ttlS ?? MAX_TOKEN_TTL_S, MAX_TOKEN_TTL_S);
  const exp = Math.min(nowS + ttl, Math.floor(opts.consent.validUntil.getTime() / 1000));
  const claims: ClientAccessTokenClaims = {
    iss: opts.issuer,
    aud: opts.audience,
    kind: 'client',
    azp: opts.consent.clientId,
    sub: opts.consent.citizenId,
    cid: opts.consent._id,
    scope: opts.scopes.join(' '),
    purpose: opts.consent.purpose,
    iat: nowS,
    nbf: nowS,
    exp,
    jti: randomUUID(),
  };
  const token = jwt.sign(claims, key.privateKey, {
    algorithm: 'ES256',
    header: { alg: 'ES256', typ: 'at+jwt', kid: key.kid },
  });
  return { token, claims };
}

/** No token while the citizen objects to or restricts processing by this client (docs/rights.md). */
async function refuseIfRestricted(store: Store, citizenId: string, clientId: string): Promise<void> {
  if ((await restrictionState(store, citizenId, clientId)).restricted) {
    throw new OAuthError(
      400,
      'invalid_grant',
      'the citizen restricts processing by this client',
      'PROCESSING_RESTRICTED',
    );
  }
}

/**
 * The client credentials grant (RFC 6749 §4.4) under a consent: an authenticated, active client
 * and one of its consents give a token for the consent's scopes (or fewer, `scope`).
 */
function clientCredentialsGrant(deps: OAuthDeps, key: SigningKey, ttlS: number): GrantHandler {
  const authenticate = clientAuthenticator(deps.store, [deps.issuer, ...(deps.tokenEndpointUrls ?? [])]);
  return async (req, body, at) => {
    const consentId = param(body, 'consent_id');
    const scopeParam = param(body, 'scope');

    const client = await authenticate(req, body, at);
    if (client.status !== 'ACTIVE') throw invalidClient('client is not active');
    if (consentId === undefined) throw invalidRequest('consent_id is missing');

    const consent = await findConsent(deps.store, consentId);
    // Another client's consent is reported like an unknown one.
    if (!consent || consent.clientId !== client._id) throw invalidGrant('unknown consent');
    const status = consentStatus(consent, at);
    if (status === 'REVOKED') throw invalidGrant('consent revoked');
    if (status === 'EXPIRED') throw invalidGrant('consent expired');
    if (consent.validFrom.getTime() > at.getTime()) throw invalidGrant('consent not yet valid');
    // A grant cut short before its check: refused when the client was suspended after the
    // registration it was checked against (the grant would have withdrawn it).
    if (
      consent.clientGen !== undefined &&
      !consent.clientChecked &&
      (await suspendedSince(deps.store, client._id, consent.clientGen))
    ) {
      throw invalidGrant('unknown consent');
    }
    await refuseIfRestricted(deps.store, consent.citizenId, client._id);
    // Given by a parent or guardian for the child: it holds while the guardianship does.
    if (consent.grantedBy) {
      const g = deps.guardianship ? await deps.guardianship(consent.grantedBy.personalId, consent.citizenId) : null;
      if (!g || g.refusal) throw invalidGrant('the guardianship under which the consent was given has ended');
    }

    let scopes: DocumentScope[] = consent.scopes.filter((s) => client.scopes.includes(s));
    if (scopeParam !== undefined) {
      const asked = [...new Set(scopeParam.split(' ').filter(Boolean))];
      const bad = asked.filter(
        (s) => !(DOCUMENT_SCOPES as readonly string[]).includes(s) || !scopes.includes(s as DocumentScope),
      );
      if (asked.length === 0 || bad.length > 0) throw new OAuthError(400, 'invalid_scope', 'scope exceeds the consent');
      scopes = asked as DocumentScope[];
    }
    if (scopes.length === 0) throw invalidGrant('the consent grants no scope the client is registered for');

    const { token: accessToken, claims } = signClientAccessToken(key, {
      issuer: deps.issuer,
      audience: deps.audience,
      consent,
      scopes,
      now: at,
      ttlS,
    });
    const expiresIn = claims.exp - claims.iat;
    if (expiresIn <= 0) throw invalidGrant('consent expired');
    return { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, scope: claims.scope };
  };
}

/** `POST /oauth/token` (by `grant_type`) and `GET /.well-known/jwks.json`. */
export function oauthRouter(deps: OAuthDeps): express.Router {
  const keys = Array.isArray(deps.signingKey) ? deps.signingKey : [deps.signingKey];
  if (keys.length === 0) throw new Error('oauthRouter: at least one signing key is needed');
  const ttlS = deps.tokenTtlS ?? MAX_TOKEN_TTL_S;
  if (!Number.isInteger(ttlS) || ttlS < 1 || ttlS > MAX_TOKEN_TTL_S) {
    throw new Error(`oauthRouter: tokenTtlS must be an integer in 1..${MAX_TOKEN_TTL_S}`);
  }
  const now = deps.now ?? (() => new Date());
  const grants: Readonly<Record<string, GrantHandler>> = {
    ...deps.grants,
    client_credentials: clientCredentialsGrant(deps, keys[0], ttlS),
  };
  const supported = Object.keys(grants).sort().join(', ');

  async function token(req: Request, res: Response): Promise<void> {
    if (!req.is('application/x-www-form-urlencoded'))
      throw invalidRequest('the body must be application/x-www-form-urlencoded');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grantType = param(body, 'grant_type');
    if (grantType === undefined) throw invalidRequest('grant_type is missing');
    const grant = Object.prototype.hasOwnProperty.call(grants, grantType) ? grants[grantType] : undefined;
    if (!grant) throw unsupportedGrantType(`supported grant types: ${supported}`);
    const answer = await grant(req, body, now());
    noStore(res).status(200).json(answer);
  }

  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 32 });

  router.post('/oauth/token', form, (req: Request, res: Response, next: NextFunction) => {
    token(req, res).catch((e: unknown) => (e instanceof OAuthError ? sendError(res, e) : next(e)));
  });
  router.all('/oauth/token', (_req: Request, res: Response) => {
    res.set('Allow', 'POST');
    sendError(res, new OAuthError(405, 'invalid_request', 'use POST'));
  });
  router.use('/oauth/token', oauthBodyErrors(deps.onError));

  router.get('/.well-known/jwks.json', (_req: Request, res: Response) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.json(jwks([...keys, ...(deps.publishedKeys ?? [])]));
  });
  return router;
}

/**
 * Body parser failures (too large, bad encoding) as OAuth errors; anything else is a server
 * error, answered without details (and given to `onError`).
 */
export function oauthBodyErrors(onError?: (err: unknown) => void): express.ErrorRequestHandler {
  return (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: number; type?: string }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendError(res, new OAuthError(status === 413 ? 413 : 400, 'invalid_request', 'unreadable request body'));
      return;
    }
    onError?.(err);
    noStore(res).status(500).json({ error: 'server_error', error_description: 'the token service failed' });
  };
}
