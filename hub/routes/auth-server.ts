import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { HubConfig } from '../config';
import type { HubOrigins } from '../origins';
import type { Store } from '../../store/connection';
import { CITIZEN_APP_CLIENT_ID, citizenAppClient, type PublicClients } from '../../services/access/auth/app-clients';
import { devIdpKey } from '../../services/access/auth/dev-idp';
import { DevLogin } from '../../services/access/auth/dev-login';
import { loadOrCreateSigningKey, type SigningKey } from '../../services/access/auth/keys';
import { AppSessions } from '../../services/access/auth/sessions';
import { DEV_IDP_ISSUER, HUB_TOKEN_SERVICE_KEY_NAME } from '../../services/access/auth/trust';
import { ASSERTION_ALGORITHMS, oauthRouter, type GrantHandler, type OAuthDeps } from './oauth';
import { appGrants, appRevocationRouter } from './oauth-app';
import { authorizeRouter } from './oauth-authorize';
import { signedOutPage } from './oauth-pages';

/**
 * The hub's authorization server, put together: the token endpoint and JWKS (client credentials
 * for registered clients, always), and with HUB_DEV_IDP=on the app sign-in of the development
 * IdP (authorization code + PKCE, refresh, revocation, logout); and its metadata (RFC 8414) at
 * `/.well-known/oauth-authorization-server`.
 */

export interface AuthServerDeps {
  config: HubConfig;
  store: Store;
  logger: Logger;
  origins: () => HubOrigins;
  now?: () => Date;
  /** Other hub keys published in the JWKS (e.g. the share-signing key). */
  publishedKeys?: readonly SigningKey[];
  /** Whether a guardian's consent still holds (oauth.ts `OAuthDeps.guardianship`). */
  guardianship?: OAuthDeps['guardianship'];
}

export interface AuthServer {
  router: express.Router;
  /** The app sign-in sessions (null when HUB_DEV_IDP=off). */
  sessions: AppSessions | null;
  /** What the request path checks (hub/protect.ts): tokens of `issuer` whose session is revoked are refused. */
  revocations: { issuer: string; isRevoked(sessionId: string): Promise<boolean> } | null;
}

/** RFC 8414 metadata of what is on. */
export function authorizationServerMetadata(issuer: string, appSignIn: boolean): Record<string, unknown> {
  const at = (path: string) => `${issuer}${path}`;
  return {
    issuer,
    ...(appSignIn ? { authorization_endpoint: at('/oauth/authorize') } : {}),
    token_endpoint: at('/oauth/token'),
    jwks_uri: at('/.well-known/jwks.json'),
    ...(appSignIn
      ? {
          revocation_endpoint: at('/oauth/revoke'),
          end_session_endpoint: at('/oauth/logout'),
          response_types_supported: ['code'],
          response_modes_supported: ['query'],
          code_challenge_methods_supported: ['S256'],
          authorization_response_iss_parameter_supported: true,
          revocation_endpoint_auth_methods_supported: ['none'],
          ui_locales_supported: ['vi', 'en'],
        }
      : { response_types_supported: [] }),
    grant_types_supported: appSignIn
      ? ['authorization_code', 'refresh_token', 'client_credentials']
      : ['client_credentials'],
    token_endpoint_auth_methods_supported: [
      ...(appSignIn ? ['none'] : []),
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
    ],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
  };
}

export function authorizationServer(deps: AuthServerDeps): AuthServer {
  const { config, store, logger, origins } = deps;
  const appSignIn = config.HUB_DEV_IDP === 'on';
  const onError = (err: unknown) => logger.error({ err }, 'token endpoint error');
  const router = express.Router();
  let sessions: AppSessions | null = null;
  let grants: Record<string, GrantHandler> = {};
  const idpKey = appSignIn ? devIdpKey(config.HUB_KEYS_DIR) : null;

  if (idpKey) {
    sessions = new AppSessions(store, { sessionTtlS: config.HUB_SESSION_TTL_S, now: deps.now });
    let clients: { from: HubOrigins; map: PublicClients } | undefined;
    const publicClients = (): PublicClients => {
      const o = origins();
      if (clients?.from !== o) {
        clients = {
          from: o,
          map: new Map([[CITIZEN_APP_CLIENT_ID, citizenAppClient(o.redirectUris, o.postLogoutUris)]]),
        };
      }
      return clients.map;
    };
    const appDeps = {
      sessions,
      clients: publicClients,
      idpKey,
      audience: config.HUB_AUDIENCE,
      accessTokenTtlS: config.HUB_ACCESS_TOKEN_TTL_S,
      onError,
    };
    grants = appGrants(appDeps);
    const devLogin = new DevLogin(store, deps.now);
    router.use(authorizeRouter({ devLogin, sessions, clients: publicClients, issuer: () => origins().issuer, logger }));
    router.use(appRevocationRouter(appDeps, signedOutPage));
  }

  router.use(
    oauthRouter({
      store,
      signingKey: loadOrCreateSigningKey(config.HUB_KEYS_DIR, HUB_TOKEN_SERVICE_KEY_NAME),
      issuer: config.HUB_ISSUER,
      audience: config.HUB_AUDIENCE,
      now: deps.now,
      onError,
      grants,
      publishedKeys: [...(idpKey ? [idpKey] : []), ...(deps.publishedKeys ?? [])],
      guardianship: deps.guardianship,
    }),
  );

  router.get('/.well-known/oauth-authorization-server', (_req: Request, res: Response) => {
    res.set('Cache-Control', 'public, max-age=300').json(authorizationServerMetadata(origins().issuer, appSignIn));
  });
  const live = sessions;
  const revocations = live ? { issuer: DEV_IDP_ISSUER, isRevoked: (id: string) => live.isRevoked(id) } : null;
  return { router, sessions, revocations };
}
