import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import jwt from 'jsonwebtoken';
import { DOCUMENT_SCOPES, type DocumentScope } from '../../services/access/auth/principal';
import { jwks, type SigningKey } from '../../services/access/auth/keys';
import type { Store } from '../../store/connection';
import {
  findClient,
  parseClientPublicKey,
  suspendedSince,
  verifyClientSecret,
  type ClientDoc,
} from '../../services/access/clients';
import { consentStatus, findConsent, type ConsentDoc } from '../../services/access/consents';
import { restrictionState } from '../../services/access/restrictions';
import { isDuplicateKey } from '../../store/concurrency';

/**
 * The hub's token service: OAuth 2.0 client credentials (RFC 6749 §4.4) plus a
 * `consent_id`, answering a consent-scoped access token (RFC 9068 `at+jwt`), and the
 * JWKS that publishes its keys. Never logs secrets, assertions or tokens.
 */

export const MAX_TOKEN_TTL_S = 600;
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const USED_ASSERTIONS_COLLECTION = 'usedAssertions';
/** Algorithms accepted for private_key_jwt client assertions. */
export const ASSERTION_ALGORITHMS = ['ES256', 'RS256', 'PS256'] as const;
/** Longest lifetime accepted for a client assertion. */
const MAX_ASSERTION_LIFETIME_S = 300;
const CLOCK_SKEW_S = 30;

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
  /**
   * `POST /oauth/consent-statement` (client authentication as for tokens, `consent_id`): the
   * signed statement of one of the client's consents, whatever its status (docs/rights.md), or
   * null when it is not the client's. Absent: the route answers 404.
   */
  consentStatement?: (client: ClientDoc, consentId: string, requestId: string) => Promise<string | null>;
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

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    /** A hub reason beside the OAuth error (`reason`), e.g. PROCESSING_RESTRICTED. */
    readonly reason?: string,
  ) {
    super(description);
  }
}

const invalidRequest = (d: string) => new OAuthError(400, 'invalid_request', d);
const invalidClient = (d = 'client authentication failed') => new OAuthError(401, 'invalid_client', d);
const invalidGrant = (d: string) => new OAuthError(400, 'invalid_grant', d);

function sendError(res: Response, e: OAuthError): void {
  res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
  if (e.status === 401) res.set('WWW-Authenticate', 'Basic realm="vn-papers-hub", charset="UTF-8"');
  res
    .status(e.status)
    .json({ error: e.error, error_description: e.description, ...(e.reason ? { reason: e.reason } : {}) });
}

/** One form parameter: absent → undefined; repeated or non-string → invalid_request (RFC 6749 §3.2). */
function param(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidRequest(`parameter ${name} must be given once`);
  return v === '' ? undefined : v;
}

function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** Credentials from `Authorization: Basic` (RFC 6749 §2.3.1: form-encoded id and secret). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (header === undefined) return undefined;
  const m = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) throw invalidClient('unsupported Authorization header');
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient();
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw invalidClient();
  }
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

/** `POST /oauth/consent-statement`: the authenticated client's statement of one of its consents. */
async function statement(
  deps: OAuthDeps,
  req: Request,
  res: Response,
  authenticate: (body: Record<string, unknown>) => Promise<ClientDoc>,
): Promise<void> {
  if (!deps.consentStatement) throw new OAuthError(404, 'invalid_request', 'no consent statements here');
  if (!req.is('application/x-www-form-urlencoded'))
    throw invalidRequest('the body must be application/x-www-form-urlencoded');
  const body = (req.body ?? {}) as Record<string, unknown>;
  const consentId = param(body, 'consent_id');
  const client = await authenticate(body);
  if (consentId === undefined) throw invalidRequest('consent_id is missing');
  const jws = await deps.consentStatement(client, consentId, String(res.locals.requestId ?? randomUUID()));
  if (!jws) throw invalidGrant('unknown consent');
  res.set('Cache-Control', 'no-store').status(200).json({ statement: jws });
}

export function oauthRouter(deps: OAuthDeps): express.Router {
  const keys = Array.isArray(deps.signingKey) ? deps.signingKey : [deps.signingKey];
  if (keys.length === 0) throw new Error('oauthRouter: at least one signing key is needed');
  const ttlS = deps.tokenTtlS ?? MAX_TOKEN_TTL_S;
  if (!Number.isInteger(ttlS) || ttlS < 1 || ttlS > MAX_TOKEN_TTL_S) {
    throw new Error(`oauthRouter: tokenTtlS must be an integer in 1..${MAX_TOKEN_TTL_S}`);
  }
  const now = deps.now ?? (() => new Date());
  const assertionAudiences = [deps.issuer, ...(deps.tokenEndpointUrls ?? [])];
  const usedAssertions = deps.store.hubDb.collection<{ _id: string; expiresAt: Date }>(USED_ASSERTIONS_COLLECTION);
  let lastPurge = 0;

  /** private_key_jwt (RFC 7523 §2.2): returns the authenticated client. */
  async function authenticateByAssertion(
    assertion: string,
    claimedId: string | undefined,
    at: Date,
  ): Promise<ClientDoc> {
    if (assertion.length > 4096) throw invalidClient('client assertion too large');
    const decoded = jwt.decode(assertion, { complete: true });
    if (!decoded || typeof decoded.payload !== 'object' || decoded.payload === null)
      throw invalidClient('malformed client assertion');
    const alg = decoded.header.alg;
    if (!(ASSERTION_ALGORITHMS as readonly string[]).includes(alg))
      throw invalidClient('client assertion algorithm not allowed');
    const { iss, sub } = decoded.payload;
    if (typeof iss !== 'string' || iss !== sub || (claimedId !== undefined && claimedId !== iss)) {
      throw invalidClient('client assertion iss and sub must be the client id');
    }
    const client = await findClient(deps.store, iss);
    if (!client?.publicKeyPem) throw invalidClient();
    const key = parseClientPublicKey(client.publicKeyPem);
    const allowed = (key.asymmetricKeyType === 'ec' ? ['ES256'] : ['RS256', 'PS256']) as jwt.Algorithm[];
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(assertion, key, {
        algorithms: allowed,
        audience: assertionAudiences as [string, ...string[]],
        issuer: client._id,
        subject: client._id,
        clockTolerance: CLOCK_SKEW_S,
        clockTimestamp: Math.floor(at.getTime() / 1000),
      }) as jwt.JwtPayload;
    } catch {
      throw invalidClient('client assertion rejected');
    }
    const nowS = Math.floor(at.getTime() / 1000);
    if (typeof payload.exp !== 'number') throw invalidClient('client assertion needs exp');
    if (payload.exp > nowS + MAX_ASSERTION_LIFETIME_S + CLOCK_SKEW_S)
      throw invalidClient('client assertion lives too long');
    if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 200) {
      throw invalidClient('client assertion needs jti');
    }
    // One use per jti within the assertion's lifetime: the insert is the check.
    try {
      await usedAssertions.insertOne({
        _id: `${client._id}:${payload.jti}`,
        expiresAt: new Date((payload.exp + CLOCK_SKEW_S) * 1000),
      });
    } catch (e) {
      if (isDuplicateKey(e)) throw invalidClient('client assertion already used');
      throw e;
    }
    if (at.getTime() - lastPurge > 60_000) {
      lastPurge = at.getTime();
      usedAssertions.deleteMany({ expiresAt: { $lt: at } }).catch(() => {});
    }
    return client;
  }

  async function authenticate(req: Request, body: Record<string, unknown>, at: Date): Promise<ClientDoc> {
    const basic = basicCredentials(req.get('authorization'));
    const bodyId = param(body, 'client_id');
    const bodySecret = param(body, 'client_secret');
    const assertionType = param(body, 'client_assertion_type');
    const assertion = param(body, 'client_assertion');
    const methods = [
      basic !== undefined,
      bodySecret !== undefined,
      assertion !== undefined || assertionType !== undefined,
    ].filter(Boolean).length;
    if (methods > 1) throw invalidRequest('use exactly one client authentication method');

    if (assertion !== undefined || assertionType !== undefined) {
      if (assertionType !== CLIENT_ASSERTION_TYPE) throw invalidRequest('unsupported client_assertion_type');
      if (assertion === undefined) throw invalidRequest('client_assertion is missing');
      return authenticateByAssertion(assertion, bodyId, at);
    }
    let id: string;
    let secret: string;
    if (basic) {
      if (bodyId !== undefined && bodyId !== basic.id)
        throw invalidRequest('client_id does not match the Authorization header');
      ({ id, secret } = basic);
    } else if (bodySecret !== undefined) {
      if (bodyId === undefined) throw invalidRequest('client_id is missing');
      id = bodyId;
      secret = bodySecret;
    } else {
      throw invalidClient('client authentication is required');
    }
    const client = await findClient(deps.store, id);
    // verifyClientSecret(null, ...) spends the same time, so unknown ids are not revealed by timing.
    const ok = await verifyClientSecret(client, secret);
    if (!client || !ok) throw invalidClient();
    return client;
  }

  async function token(req: Request, res: Response): Promise<void> {
    if (!req.is('application/x-www-form-urlencoded'))
      throw invalidRequest('the body must be application/x-www-form-urlencoded');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const at = now();
    const grantType = param(body, 'grant_type');
    if (grantType === undefined) throw invalidRequest('grant_type is missing');
    if (grantType !== 'client_credentials')
      throw new OAuthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
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

    const { token: accessToken, claims } = signClientAccessToken(keys[0], {
      issuer: deps.issuer,
      audience: deps.audience,
      consent,
      scopes,
      now: at,
      ttlS,
    });
    const expiresIn = claims.exp - claims.iat;
    if (expiresIn <= 0) throw invalidGrant('consent expired');
    res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
    res
      .status(200)
      .json({ access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, scope: claims.scope });
  }

  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 32 });

  router.post('/oauth/token', form, (req: Request, res: Response, next: NextFunction) => {
    token(req, res).catch((e: unknown) => (e instanceof OAuthError ? sendError(res, e) : next(e)));
  });
  router.post('/oauth/consent-statement', form, (req: Request, res: Response, next: NextFunction) => {
    statement(deps, req, res, (body) => authenticate(req, body, now())).catch((e: unknown) =>
      e instanceof OAuthError ? sendError(res, e) : next(e),
    );
  });

  router.all('/oauth/token', (_req: Request, res: Response) => {
    res.set('Allow', 'POST');
    sendError(res, new OAuthError(405, 'invalid_request', 'use POST'));
  });
  // Body parser failures (too large, bad encoding) as OAuth errors; anything else is
  // a server error, answered without details.
  router.use(
    ['/oauth/token', '/oauth/consent-statement'],
    // Express tells error handlers by their four parameters.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const status = (err as { status?: number; type?: string }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        sendError(res, new OAuthError(status === 413 ? 413 : 400, 'invalid_request', 'unreadable request body'));
        return;
      }
      deps.onError?.(err);
      res.set('Cache-Control', 'no-store');
      res.status(500).json({ error: 'server_error', error_description: 'the token service failed' });
    },
  );

  router.get('/.well-known/jwks.json', (_req: Request, res: Response) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.json(jwks(keys));
  });
  return router;
}
