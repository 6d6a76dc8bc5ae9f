import express, { type NextFunction, type Request, type Response } from 'express';
import jwt from 'jsonwebtoken';
import type { PublicClient, PublicClients } from '../../services/access/auth/app-clients';
import { issueDevToken } from '../../services/access/auth/dev-idp';
import type { SigningKey } from '../../services/access/auth/keys';
import { GrantRefused, type AppSessions, type IssuedSession } from '../../services/access/auth/sessions';
import { DEV_IDP_ISSUER } from '../../services/access/auth/trust';
import { hasClientCredentials } from './oauth-client-auth';
import { invalidClient, invalidGrant, invalidRequest, noStore, OAuthError, param, sendError } from './oauth-errors';
import type { GrantHandler } from './oauth';
import { oauthBodyErrors } from './oauth';

/**
 * The public apps' side of the token service: the `authorization_code` grant with PKCE (RFC
 * 7636) and the `refresh_token` grant with rotation (RFC 9700 §4.14), `/oauth/revoke` (RFC 7009)
 * and `/oauth/logout`. The access tokens are the development IdP's citizen and officer tokens
 * (the kind the hub verifies for people), with `client_id` and the session's `sid`.
 */

export interface AppAuthDeps {
  sessions: AppSessions;
  /** The registered public clients (resolved once the hub listens). */
  clients: () => PublicClients;
  /** The development IdP's key: it signs the access tokens. */
  idpKey: SigningKey;
  audience: string;
  accessTokenTtlS: number;
  onError?: (err: unknown) => void;
}

/** The public client a request names (`client_id`, no credentials: RFC 8252 §8.4). */
function publicClientOf(deps: AppAuthDeps, req: Request, body: Record<string, unknown>): PublicClient {
  if (hasClientCredentials(req, body)) throw invalidClient('the app is a public client: send client_id only');
  const id = param(body, 'client_id');
  if (id === undefined) throw invalidRequest('client_id is missing');
  const client = deps.clients().get(id);
  if (!client) throw invalidClient('unknown client');
  return client;
}

function required(body: Record<string, unknown>, name: string): string {
  const v = param(body, name);
  if (v === undefined) throw invalidRequest(`${name} is missing`);
  if (v.length > 2048) throw invalidRequest(`${name} is too long`);
  return v;
}

/** The token response for a session: a new access token and the session's new refresh token. */
function tokenResponse(deps: AppAuthDeps, s: IssuedSession, at: Date): Record<string, unknown> {
  const ttl = Math.max(1, Math.min(deps.accessTokenTtlS, Math.floor((s.expiresAt.getTime() - at.getTime()) / 1000)));
  const opts = {
    key: deps.idpKey,
    audience: deps.audience,
    expiresInS: ttl,
    now: at,
    clientId: s.clientId,
    sessionId: s.sessionId,
  };
  const subject = s.subject;
  const accessToken =
    subject.kind === 'citizen'
      ? issueDevToken('citizen', { personalId: subject.personalId }, opts)
      : issueDevToken(
          'officer',
          { officerId: subject.officerId, role: subject.role, area: subject.area, unit: subject.unit },
          opts,
        );
  return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, refresh_token: s.refreshToken };
}

async function refusedAsInvalidGrant<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof GrantRefused) throw invalidGrant(e.message);
    throw e;
  }
}

/** The `authorization_code` and `refresh_token` grants, for the token endpoint. */
export function appGrants(deps: AppAuthDeps): Record<string, GrantHandler> {
  return {
    authorization_code: async (req, body, at) => {
      const client = publicClientOf(deps, req, body);
      const session = await refusedAsInvalidGrant(
        deps.sessions.redeemCode({
          code: required(body, 'code'),
          clientId: client.id,
          redirectUri: required(body, 'redirect_uri'),
          codeVerifier: required(body, 'code_verifier'),
        }),
      );
      return tokenResponse(deps, session, at);
    },
    refresh_token: async (req, body, at) => {
      const client = publicClientOf(deps, req, body);
      const session = await refusedAsInvalidGrant(
        deps.sessions.rotate({ refreshToken: required(body, 'refresh_token'), clientId: client.id }),
      );
      return tokenResponse(deps, session, at);
    },
  };
}

/** The session (`sid`) of one of this IdP's access tokens issued to `clientId`, expired or not. */
function sessionOfAccessToken(deps: AppAuthDeps, token: string, clientId: string): string | null {
  try {
    const claims = jwt.verify(token, deps.idpKey.publicKey, {
      algorithms: ['ES256'],
      issuer: DEV_IDP_ISSUER,
      audience: deps.audience,
      ignoreExpiration: true,
    }) as jwt.JwtPayload;
    return claims.client_id === clientId && typeof claims.sid === 'string' ? claims.sid : null;
  } catch {
    return null;
  }
}

/** The session a refresh or access token belongs to (for this client), or null. */
async function sessionOf(deps: AppAuthDeps, token: string, clientId: string): Promise<string | null> {
  if (token.split('.').length === 3) return sessionOfAccessToken(deps, token, clientId);
  return deps.sessions.sessionOfRefreshToken(token, clientId);
}

/**
 * `POST /oauth/revoke` (RFC 7009): a refresh or access token ends its whole session (the app's
 * sign-in). 200 whatever the token was (an unknown one is not an error).
 * `POST /oauth/logout`: the same, with the token in `token` or as the bearer token; then 303 to a
 * registered `post_logout_redirect_uri` (with `state`), else 204. `GET /oauth/logout`: the hub
 * keeps no browser session, so there is nothing to end: 303 to a registered
 * `post_logout_redirect_uri`, else a plain page.
 */
export function appRevocationRouter(deps: AppAuthDeps, signedOutPage: (lang: string) => string): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 16 });
  const handle =
    (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
      fn(req, res).catch((e: unknown) => (e instanceof OAuthError ? sendError(res, e) : next(e)));
    };
  const formBody = (req: Request) => {
    if (!req.is('application/x-www-form-urlencoded'))
      throw invalidRequest('the body must be application/x-www-form-urlencoded');
    return (req.body ?? {}) as Record<string, unknown>;
  };
  /** A registered post-logout URI with `state`, or null; an unregistered one is an error (no open redirect). */
  const afterLogout = (client: PublicClient | undefined, uri: string | undefined, state: string | undefined) => {
    if (uri === undefined) return null;
    if (!client?.postLogoutRedirectUris.includes(uri))
      throw invalidRequest('post_logout_redirect_uri is not registered');
    const to = new URL(uri);
    if (state !== undefined) to.searchParams.set('state', state);
    return to.toString();
  };

  router.post(
    '/oauth/revoke',
    form,
    handle(async (req, res) => {
      const body = formBody(req);
      const client = publicClientOf(deps, req, body);
      const sessionId = await sessionOf(deps, required(body, 'token'), client.id);
      if (sessionId) await deps.sessions.revoke(sessionId, 'REVOKED');
      noStore(res).status(200).end();
    }),
  );

  router.post(
    '/oauth/logout',
    form,
    handle(async (req, res) => {
      const body = formBody(req);
      const bearer = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(req.get('authorization') ?? '')?.[1];
      const client = publicClientOf(deps, req, body);
      const token = param(body, 'token') ?? bearer;
      if (token === undefined) throw invalidRequest('token is missing (the refresh token, or the access token)');
      const next = afterLogout(client, param(body, 'post_logout_redirect_uri'), param(body, 'state'));
      const sessionId = await sessionOf(deps, token, client.id);
      if (sessionId) await deps.sessions.revoke(sessionId, 'LOGOUT');
      noStore(res);
      if (next) res.redirect(303, next);
      else res.status(204).end();
    }),
  );

  router.get('/oauth/logout', (req: Request, res: Response, next: NextFunction) => {
    try {
      const q = req.query as Record<string, unknown>;
      const clientId = param(q, 'client_id');
      const client = clientId === undefined ? undefined : deps.clients().get(clientId);
      const to = afterLogout(client, param(q, 'post_logout_redirect_uri'), param(q, 'state'));
      noStore(res);
      if (to) res.redirect(303, to);
      else
        res
          .status(200)
          .type('html')
          .send(signedOutPage(param(q, 'ui_locales') ?? 'vi'));
    } catch (e) {
      if (e instanceof OAuthError) sendError(res, e);
      else next(e);
    }
  });
  router.use(['/oauth/revoke', '/oauth/logout'], oauthBodyErrors(deps.onError));
  return router;
}
