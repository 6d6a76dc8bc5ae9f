import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { Logger } from 'pino';
import type { HubConfig } from './config';
import { createContext, type HubContext } from './context';
import { AccessCaches } from './access';
import { authenticate, AuthenticationFailed } from './auth/authenticate';
import { AuditWriter } from './audit/writer';
import { auditPlugin } from './plugins/audit';
import { ConsentUseRecorder } from './store/consents';
import { devTrust, HUB_TOKEN_SERVICE_KEY_NAME, loadTrustFile } from './auth/trust';
import { loadOrCreateSigningKey } from './auth/keys';
import { oauthRouter } from './oauth';
import { createFormatError } from './format-error';
import { requestMetricsPlugin } from './plugins/request-metrics';
import { rejectModePlugin } from './plugins/reject-mode';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { buildSchema } from './schema';
import type { Store } from './store/connection';
import { SEED_MANIFEST_COLLECTION, type SeedManifestDoc } from './store/seed-meta';
import { createAccountsModule, type AccountsModule } from './accounts';
import type { Notifier } from './accounts/notifier';
import { csvRouter } from './reports/csv';
import { ReconciliationRunner } from './reconciliation/runs';
import { CaseService } from './reconciliation/cases';
import { casesCsvRouter } from './reconciliation/csv';

export interface HubDeps {
  config: HubConfig;
  store: Store;
  logger: Logger;
  /** Default: HUB_NOTIFIER_URL's gateway, else the development (logging) notifier. */
  notifier?: Notifier;
  /** The clock (tests of deadlines); default the system's. */
  now?: () => Date;
  /** Schedule the daily sweeps (HUB_SWEEP_AT). Default false (main.ts turns it on). */
  scheduleSweeps?: boolean;
}

export interface RunningHub {
  url: string;
  port: number;
  apollo: ApolloServer<HubContext>;
  httpServer: http.Server;
  auditWriter: AuditWriter;
  accounts: AccountsModule;
  reconciliation: ReconciliationRunner;
  /** Stops accepting, drains in-flight requests, stops Apollo. Does not close the store. */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Why the hub is not ready, or null when it is. */
export async function readiness(store: Store): Promise<{ ready: boolean; reason?: string; citizens?: number }> {
  try {
    await withTimeout(store.ping(), 1_000);
  } catch {
    return { ready: false, reason: 'store unreachable' };
  }
  const manifest = await store.hubDb
    .collection<SeedManifestDoc>(SEED_MANIFEST_COLLECTION)
    .findOne({ _id: 'current' })
    .catch(() => null);
  if (!manifest) return { ready: false, reason: 'sources not seeded' };
  return { ready: true, citizens: manifest.citizens };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, rej) => {
      t = setTimeout(() => rej(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/** Builds the Express app with GraphQL at /graphql, /healthz and /readyz, and listens. */
export async function startHub(deps: HubDeps, listen: { port: number; host: string }): Promise<RunningHub> {
  const { config, store, logger } = deps;
  const production = config.NODE_ENV === 'production';
  const caches = new AccessCaches(store);
  const trust = config.HUB_TRUST_FILE
    ? loadTrustFile(config.HUB_TRUST_FILE)
    : devTrust({ keysDir: config.HUB_KEYS_DIR, hubIssuer: config.HUB_ISSUER, audience: config.HUB_AUDIENCE });
  // CLIENT tokens come from the hub's own token service only.
  const foreignClientIssuers = trust.filter((t) => t.kinds.includes('CLIENT') && t.issuer !== config.HUB_ISSUER);
  if (foreignClientIssuers.length) {
    throw new Error(
      `trust file: only ${config.HUB_ISSUER} may issue CLIENT tokens (${foreignClientIssuers.map((t) => t.issuer).join(', ')})`,
    );
  }
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);

  const armor = new ApolloArmor({
    maxDepth: { n: config.HUB_MAX_DEPTH },
    maxAliases: { n: config.HUB_MAX_ALIASES },
    maxDirectives: { n: config.HUB_MAX_DIRECTIVES },
    // Tokens are limited by graphql-js itself (parseOptions below): armor's Apollo
    // token plugin throws from a hook Apollo 5 answers with a 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: config.HUB_MAX_COST },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  const auditWriter = await AuditWriter.open(store, { logger });
  const accounts = createAccountsModule({ store, caches, logger, config, notifier: deps.notifier, now: deps.now });
  // Reconciliation runs go on in the background and resume after a restart.
  const reconciliation = new ReconciliationRunner({
    store,
    logger,
    now: deps.now,
    cases: new CaseService({ store, logger, now: deps.now }),
    audit: auditWriter,
  });
  await reconciliation.resumeAll();
  const stopSweeps =
    deps.scheduleSweeps && config.HUB_SWEEP_AT !== 'off'
      ? accounts.sweeps.schedule(config.HUB_SWEEP_AT, auditWriter)
      : () => {};
  const consentUses = new ConsentUseRecorder(store, {
    onError: (err) => logger.warn({ err }, 'consent use not recorded'),
  });
  const apollo = new ApolloServer<HubContext>({
    schema: buildSchema(),
    validationRules: armor.validationRules,
    // graphql-js stops parsing past this many tokens (before any validation work).
    parseOptions: { maxTokens: config.HUB_MAX_TOKENS },
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    allowBatchedHttpRequests: false,
    // main.ts owns shutdown (drain HTTP, close the store, stop the embedded store).
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    formatError: createFormatError({
      mask: production,
      onUnexpected: (err) => logger.error({ err }, 'unexpected error'),
    }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ...armor.plugins,
      requestMetricsPlugin(),
      // Reject mode rewrites the response first; the audit then records what really left.
      ...(config.HUB_DISCLOSURE_MODE === 'reject' ? [rejectModePlugin()] : []),
      auditPlugin({ writer: auditWriter, logger, consentUses }),
    ],
  });
  await apollo.start();

  app.use((req, res, next) => {
    const given = req.header('x-request-id');
    const id = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const r = await readiness(store);
    res
      .status(r.ready ? 200 : 503)
      .json(r.ready ? { status: 'ready', citizens: r.citizens } : { status: 'not ready', reason: r.reason });
  });

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
      sourceTimeoutMs: config.HUB_SOURCE_TIMEOUT_MS,
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

  app.use(
    '/graphql',
    express.json({ limit: '64kb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const requestId = String(res.locals.requestId);
        let principal;
        try {
          principal = authenticate(req.header('authorization'), trust);
        } catch (err) {
          if (err instanceof AuthenticationFailed) {
            // Audited without the token; a failed audit write changes nothing (no data leaves anyway).
            await auditWriter
              .append({
                at: new Date(),
                requestId,
                operation: null,
                actor: { kind: 'ANONYMOUS' },
                authFailure: err.reason,
                citizens: [],
              })
              .catch((e) => logger.error({ err: e, requestId }, 'audit of an authentication failure failed'));
          }
          throw err;
        }
        return createContext(
          {
            store,
            config,
            logger,
            caches,
            accounts: accounts.service,
            sweeps: accounts.sweeps,
            reconciliation,
            now: deps.now,
          },
          requestId,
          principal,
        );
      },
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  // Body-parser and other transport errors: a clear status, never a stack trace.
  app.use(
    (
      err: { status?: number; type?: string },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
      if (status === 500) logger.error({ err }, 'transport error');
      res.status(status).json({
        errors: [
          {
            message:
              status === 413 ? 'Request body too large' : status === 500 ? 'Internal server error' : 'Bad request',
            extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' },
          },
        ],
      });
    },
  );

  await new Promise<void>((res) => httpServer.listen(listen.port, listen.host, res));
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${listen.host}:${port}`;
  return {
    url,
    port,
    apollo,
    httpServer,
    auditWriter,
    accounts,
    reconciliation,
    stop: async () => {
      stopSweeps();
      await reconciliation.close();
      await apollo.stop();
      await accounts.reports.idle();
      await reconciliation.cases.writer.idle();
      await auditWriter.close();
      await consentUses.close();
    },
  };
}
