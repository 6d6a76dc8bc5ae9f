/**
 * The hub's HTTP side: the Node server and the Express app, and what is mounted on it, in this
 * order (the order matters):
 *
 * 1. every request: its id (`x-request-id`) and one log line;
 * 2. operations (routes/ops.ts: /healthz, /readyz, /metrics), before the protection gates so
 *    they answer while the hub refuses work;
 * 3. the API, behind the protection gates (503 while shutting down or the store is down, 429
 *    beyond the concurrency and rate limits, the bearer token verified): the OAuth token
 *    endpoint and JWKS (routes/oauth.ts), the CSV exports (routes/reports-csv.ts,
 *    routes/cases-csv.ts), and GraphQL at /graphql;
 * 4. 404 for anything else, and transport errors as a clear status, last.
 *
 * Where new routes go: cross-origin headers (CORS) for every route, in {@link mountRoutes}
 * right after step 1; a route that must answer while the hub refuses work (static files of a
 * web client, discovery documents) in step 2, beside the operations routes; a route that reads
 * or writes data in {@link apiRoutes}, with its path added to the gates. Nothing after step 4.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { HubConfig } from './config';
import { observeRequest } from './plugins/metrics';
import type { AuthLocals } from './protect';
import { casesCsvRouter } from './routes/cases-csv';
import { oauthRouter } from './routes/oauth';
import { opsRouter } from './routes/ops';
import { csvRouter } from './routes/reports-csv';
import type { HubServices } from './wiring';
import { ErrorCode } from '../lib/errors';
import { HUB_TOKEN_SERVICE_KEY_NAME } from '../services/access/auth/trust';
import { loadOrCreateSigningKey } from '../services/access/auth/keys';
import { ANONYMOUS, type Principal } from '../services/access/auth/principal';
import type { HubContext } from '../services/context';
import type { Store } from '../store/connection';

/** A request's context as /graphql builds it. */
export type ContextFactory = (requestId: string, principal?: Principal, startedAt?: number) => HubContext;

/** What the routes need: the services, Apollo (started) and the context factory. */
export interface RouteDeps extends HubServices {
  config: HubConfig;
  store: Store;
  logger: Logger;
  apollo: ApolloServer<HubContext>;
  context: ContextFactory;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The Express app and the Node server over it (not listening; no routes yet). */
export function createHttpServer(config: HubConfig): { app: express.Express; httpServer: http.Server } {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = config.HUB_KEEPALIVE_TIMEOUT_MS;
  // A request's headers must come within this (then 408). Kept above the keep-alive timeout, the
  // usual advice for servers behind a proxy (older Node versions timed a kept-alive connection's
  // next headers from the end of the previous response).
  httpServer.headersTimeout = config.HUB_KEEPALIVE_TIMEOUT_MS + 5_000;
  return { app, httpServer };
}

/** Mounts everything on the app, in the order of the module comment. */
export function mountRoutes(app: express.Express, deps: RouteDeps): void {
  const { config, store, logger, metrics, health, protection } = deps;
  // 1. Every request.
  app.use(assignRequestId);
  // (Not installed at all when request lines would not be written: it costs per request.)
  if (logger.isLevelEnabled('info')) app.use(requestLog(logger));
  // 2. Operations, before the gates.
  app.use(opsRouter({ config, store, metrics, health, protection }));
  // 3. The API, behind the gates.
  apiRoutes(app, deps);
  // 4. Last.
  fallbackRoutes(app, logger);
}

/** The API: protection, OAuth token endpoint, CSV downloads, GraphQL. */
function apiRoutes(app: express.Express, deps: RouteDeps): void {
  const { config, store, logger, trust, protection, auditWriter, accounts, reconciliation, guards } = deps;
  // Refusals before any work: shutting down, store down, too many at once, rate limits.
  app.use('/oauth/token', protection.gate, protection.concurrency, protection.rateLimit);
  app.use(['/reports', '/reconciliation', '/graphql'], ...protection.all());

  // OAuth 2.0 client credentials under a consent, and the token service's JWKS.
  app.use(
    oauthRouter({
      store,
      signingKey: loadOrCreateSigningKey(config.HUB_KEYS_DIR, HUB_TOKEN_SERVICE_KEY_NAME),
      issuer: config.HUB_ISSUER,
      audience: config.HUB_AUDIENCE,
      onError: (err) => logger.error({ err }, 'token endpoint error'),
    }),
  );

  app.use(
    csvRouter({
      store,
      trust,
      audit: auditWriter,
      accounts: accounts.service,
      logger,
      chunk: config.HUB_CSV_CHUNK,
      guards,
    }),
  );

  app.use(
    casesCsvRouter({
      cases: reconciliation.cases,
      trust,
      audit: auditWriter,
      logger,
      chunk: config.HUB_CSV_CHUNK,
    }),
  );

  app.use('/graphql', express.json({ limit: '64kb' }), graphqlMiddleware(deps));
}

/** /graphql: Apollo, with the request's context (or the audited authentication failure). */
function graphqlMiddleware(deps: RouteDeps): express.RequestHandler {
  const { logger, auditWriter, metrics, apollo, context } = deps;
  return expressMiddleware(apollo, {
    context: async ({ res }) => {
      const requestId = String(res.locals.requestId);
      const locals = res.locals as AuthLocals;
      if (locals.authFailure) {
        // Audited without the token; a failed audit write changes nothing (no data leaves anyway).
        await auditWriter
          .append({
            at: new Date(),
            requestId,
            operation: null,
            actor: { kind: 'ANONYMOUS' },
            authFailure: locals.authFailure.reason,
            citizens: [],
          })
          .catch((e) => logger.error({ err: e, requestId }, 'audit of an authentication failure failed'));
        throw locals.authFailure;
      }
      const ctx = context(requestId, locals.principal ?? ANONYMOUS, Number(res.locals.startedAt) || Date.now());
      // With the final status, once the response has gone (the audit may turn it into a 503).
      observeRequest(metrics, res, ctx);
      return ctx;
    },
  });
}

/** Every response carries an `x-request-id`: the caller's when well-formed, else a new one. */
function assignRequestId(req: express.Request, res: express.Response, next: express.NextFunction): void {
  const given = req.header('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.locals.startedAt = Date.now();
  res.setHeader('x-request-id', id);
  next();
}

/**
 * One structured line per request: id, method, path (no query string), status, time, and
 * the caller (kind and id: a personal ID at most); never headers, bodies or variables.
 */
function requestLog(logger: Logger): express.RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (_req, res) => String((res as express.Response).locals?.requestId ?? ''),
    autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url?.split('?')[0] ?? '') },
    serializers: {
      req: (r: { id?: unknown; method?: string; url?: string }) => ({
        id: r.id,
        method: r.method,
        path: r.url?.split('?')[0],
      }),
      res: (r: { statusCode?: number }) => ({ statusCode: r.statusCode }),
    },
    customSuccessObject: (_req, res, val: Record<string, unknown>) => ({
      ...val,
      caller: callerOf((res as express.Response).locals as AuthLocals),
    }),
    customErrorObject: (_req, res, _err, val: Record<string, unknown>) => ({
      ...val,
      caller: callerOf((res as express.Response).locals as AuthLocals),
    }),
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
  });
}

/** 404 for anything else; transport errors (body parser) as a clear status, never a stack trace. */
function fallbackRoutes(app: express.Express, logger: Logger): void {
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  // Body-parser and other transport errors: a clear status, never a stack trace.
  app.use(
    (
      err: { status?: number; type?: string },
      _req: express.Request,
      res: express.Response,
      // Express tells an error handler by its four parameters.
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      _next: express.NextFunction,
    ) => {
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
      if (status === 500) logger.error({ err }, 'transport error');
      res.status(status).json({
        errors: [
          {
            message:
              status === 413 ? 'Request body too large' : status === 500 ? 'Internal server error' : 'Bad request',
            extensions: { code: status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.BAD_REQUEST },
          },
        ],
      });
    },
  );
}

/** The caller as the request log names it: kind and id (a personal ID at most), never a token. */
function callerOf(locals: AuthLocals): Record<string, string> | undefined {
  const p: Principal | undefined = locals.principal;
  if (locals.authFailure) return { kind: 'REFUSED', reason: locals.authFailure.reason };
  switch (p?.kind) {
    case 'CITIZEN':
      return { kind: 'CITIZEN', id: p.personalId };
    case 'CLIENT':
      return { kind: 'CLIENT', id: p.clientId, consent: p.consentId };
    case 'OFFICER':
      return { kind: 'OFFICER', id: p.officerId };
    case 'ANONYMOUS':
      return { kind: 'ANONYMOUS' };
    default:
      return undefined;
  }
}
