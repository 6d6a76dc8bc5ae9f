/**
 * The hub's HTTP side: the Node server and the Express app, and what is mounted on it, in this
 * order (the order matters):
 *
 * 1. every request: its id (`x-request-id`) and one log line;
 * 2. operations (routes/ops.ts: /healthz, /readyz, /metrics), before the protection gates so
 *    they answer while the hub refuses work;
 * 3. the API, behind the protection gates (503 while shutting down or the store is down, 429
 *    beyond the concurrency and rate limits, the bearer token verified): the authorization
 *    server (routes/auth-server.ts: token endpoint, app sign-in, metadata, JWKS), the CSV exports (routes/reports-csv.ts,
 *    routes/cases-csv.ts), and GraphQL at /graphql;
 * 4. 404 for anything else, and transport errors as a clear status, last.
 *
 * Where new routes go: cross-origin headers (CORS) for every route, in {@link mountRoutes}
 * right after step 1; a route that must answer while the hub refuses work (static files of a
 * web client, discovery documents) in step 2, beside the operations routes; a route that reads
 * or writes data in {@link apiRoutes}, with its path added to the gates. Nothing after step 4.
 */
import http from 'node:http';
import express from 'express';
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import type { Logger } from 'pino';
import type { HubConfig } from './config';
import { observeRequest } from './plugins/metrics';
import type { AuthLocals } from './protect';
import { assignRequestId, requestLog } from './request-log';
import { browserRoutes } from './browser';
import { trustedDocumentsFromConfig } from './trusted-documents';
import { casesCsvRouter } from './routes/cases-csv';
import { opsRouter } from './routes/ops';
import { csvRouter } from './routes/reports-csv';
import { consentStatementRouter } from './routes/consent-statement';
import { rightsRouter } from './rights';
import type { HubServices } from './wiring';
import { ErrorCode } from '../lib/errors';
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
  /** The clock (tests set it; default the system's). */
  now?: () => Date;
}

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
  // CORS, the app's static files, GraphiQL and the schema file (browsers), before the gates.
  browserRoutes(app, config, deps.origins);
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
  app.use(
    ['/oauth/token', '/oauth/revoke', '/oauth/logout', '/oauth/authorize', '/oauth/consent-statement'],
    protection.gate,
    protection.concurrency,
    protection.rateLimit,
  );
  app.use(['/reports', '/reconciliation', '/rights', '/graphql'], ...protection.all());

  // OAuth 2.0: client credentials under a consent, the apps' sign-in (dev IdP), metadata, JWKS.
  app.use(deps.auth.router);
  // A client's signed consent statement (docs/rights.md).
  app.use(
    consentStatementRouter({
      rights: deps.rights,
      audit: auditWriter,
      audiences: [config.HUB_ISSUER],
      onError: (err) => logger.error({ err }, 'consent statement error'),
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
      now: deps.now,
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

  // The data subject's copy of their data, and an area's requests as CSV (docs/rights.md).
  app.use(
    rightsRouter({
      rights: deps.rights,
      store,
      caches: deps.caches,
      accounts: accounts.service,
      trust,
      audit: auditWriter,
      guards,
      logger,
    }),
  );

  app.use(
    '/graphql',
    express.json({ limit: '64kb' }),
    trustedDocumentsFromConfig(config, logger),
    graphqlMiddleware(deps),
  );
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
