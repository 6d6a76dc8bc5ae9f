import { randomUUID } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { Logger } from 'pino';
import type { HubConfig } from './config';
import { createContext, type HubContext } from '../services/context';
import { AccessCaches } from '../services/access/access';
import { AuditWriter } from '../services/audit/writer';
import { auditPlugin } from './plugins/audit';
import { ConsentUseRecorder } from '../services/access/consents';
import { devTrust, HUB_TOKEN_SERVICE_KEY_NAME, loadTrustFile, type TrustedIssuer } from '../services/access/auth/trust';
import { loadOrCreateSigningKey } from '../services/access/auth/keys';
import { oauthRouter } from './routes/oauth';
import { createFormatError, storeUnavailableStatusPlugin } from './format-error';
import { requestMetricsPlugin } from './plugins/request-metrics';
import { rejectModePlugin } from './plugins/reject-mode';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { buildSchema } from './schema';
import { requestBoundsPlugin } from './limits';
import type { Store } from '../store/connection';
import { SOURCES_STATUS_COLLECTION, type SourcesStatusDoc } from '../store/sources-status';
import { createAccountsModule, type AccountsModule } from '../services/accounts';
import type { Notifier } from '../services/accounts/notifier';
import { csvRouter } from './routes/reports-csv';
import { ReconciliationRunner } from '../services/reconciliation/runs';
import { timingSafeEqual } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import { SOURCE_NAMES } from '../connectors/registry';
import { FaultInjector } from '../connectors/faults';
import { SourceGuards } from '../connectors/resilience';
import { sourcePolicies } from './config';
import { HubMetrics } from './metrics';
import { metricsPlugin, observeRequest } from './plugins/metrics';
import { Protection, type AuthLocals } from './protect';
import { StoreHealth } from '../store/health';
import { ANONYMOUS, type Principal } from '../services/access/auth/principal';
import { CaseService } from '../services/reconciliation/cases';
import { casesCsvRouter } from './routes/cases-csv';
import { ErrorCode } from '../lib/errors';

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
  /** Process metrics (CPU, memory, event loop) in /metrics. Default true. */
  processMetrics?: boolean;
}

/** The hub, built and started (background work running) but not listening. */
export interface Hub {
  /** The Express app: GraphQL at /graphql, /healthz, /readyz, /metrics, OAuth and CSV routes. */
  app: express.Express;
  apollo: ApolloServer<HubContext>;
  httpServer: http.Server;
  auditWriter: AuditWriter;
  accounts: AccountsModule;
  reconciliation: ReconciliationRunner;
  metrics: HubMetrics;
  /** The sources' guards (breakers) and, through `guards.faults`, fault injection. */
  guards: SourceGuards;
  health: StoreHealth;
  protection: Protection;
  /** The process-wide short-lived caches of consents, clients and accounts. */
  caches: AccessCaches;
  /** A request's context as /graphql builds it (tests execute operations in process with it). */
  context(requestId: string, principal?: Principal, startedAt?: number): HubContext;
  /**
   * Graceful stop: refuses new requests (503, `/readyz` false), lets in-flight ones finish (up
   * to HUB_SHUTDOWN_TIMEOUT_MS), then stops the background work and flushes the audit. Does
   * not close the store.
   */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Whether the hub can serve, and if not why: shutting down; `store unreachable` (the driver
 * knows no server it can write to, or the store refused the check); `store not answering` (the
 * check took over a second: a store that accepts connections but is stuck, or a hub whose
 * connections are all busy); `sources not seeded`.
 */
export async function readiness(
  store: Store,
  state: { health?: StoreHealth; draining?: boolean } = {},
): Promise<{ ready: boolean; reason?: string; citizens?: number }> {
  if (state.draining) return { ready: false, reason: 'shutting down' };
  if (state.health && !state.health.up) return { ready: false, reason: 'store unreachable' };
  let manifest: SourcesStatusDoc | null;
  try {
    // One read both proves the store answers and says whether the sources are there.
    manifest = await withTimeout(
      store.hubDb.collection<SourcesStatusDoc>(SOURCES_STATUS_COLLECTION).findOne({ _id: 'current' }),
      1_000,
    );
  } catch (err) {
    return { ready: false, reason: err instanceof ReadinessTimeout ? 'store not answering' : 'store unreachable' };
  }
  if (!manifest) return { ready: false, reason: 'sources not seeded' };
  return { ready: true, citizens: manifest.citizens };
}

class ReadinessTimeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, rej) => {
      t = setTimeout(() => rej(new ReadinessTimeout(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/**
 * Builds the hub: the services and their background work, Apollo, and the Express app with
 * GraphQL at /graphql, /healthz and /readyz. Does not listen (server.ts's `startHub` does).
 */
export async function buildHub(deps: HubDeps): Promise<Hub> {
  const { config, store, logger } = deps;
  const caches = new AccessCaches(store);
  const trust = loadTrust(config);
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = config.HUB_KEEPALIVE_TIMEOUT_MS;
  // A request's headers must come within this (then 408). Kept above the keep-alive timeout, the
  // usual advice for servers behind a proxy (older Node versions timed a kept-alive connection's
  // next headers from the end of the previous response).
  httpServer.headersTimeout = config.HUB_KEEPALIVE_TIMEOUT_MS + 5_000;
  const metrics = new HubMetrics(SOURCE_NAMES, { processMetrics: deps.processMetrics });
  const guards = new SourceGuards(sourcePolicies(config), new FaultInjector(config.HUB_FAULTS), metrics);
  if (Object.keys(config.HUB_FAULTS).length) logger.warn({ faults: config.HUB_FAULTS }, 'FAULT INJECTION is on');
  const health = new StoreHealth(store, logger);
  health.onChange((up) => metrics.storeUp.set(up ? 1 : 0));
  const protection = new Protection({
    limits: config.HUB_RATE_LIMITS,
    maxConcurrent: config.HUB_MAX_CONCURRENT,
    trust,
    health,
    metrics,
  });

  const auditWriter = await AuditWriter.open(store, {
    logger,
    indexer: {
      intervalMs: config.HUB_ACCESS_LOG_INTERVAL_MS,
      leaseMs: config.HUB_ACCESS_LOG_LEASE_MS,
      scanMs: config.HUB_ACCESS_LOG_SCAN_MS,
    },
  });
  const accounts = createAccountsModule({ store, caches, logger, config, notifier: deps.notifier, now: deps.now });
  // Reconciliation runs go on in the background and resume after a restart.
  const reconciliation = new ReconciliationRunner({
    store,
    logger,
    now: deps.now,
    cases: new CaseService({ store, logger, now: deps.now }),
    audit: auditWriter,
    maxDocsPerS: config.HUB_RECON_MAX_DOCS_PER_S || undefined,
  });
  await reconciliation.resumeAll();
  // Runs whose instance died are taken over once their lease lapses.
  reconciliation.watch();
  // Runs the store interrupted go on once it is back.
  health.onChange((up) => {
    if (up) {
      void reconciliation
        .resumeAll()
        .catch((err: unknown) => logger.warn({ err }, 'reconciliation runs not resumed after the store returned'));
    }
  });
  const stopSweeps =
    deps.scheduleSweeps && config.HUB_SWEEP_AT !== 'off'
      ? accounts.sweeps.schedule(config.HUB_SWEEP_AT, auditWriter)
      : () => {};
  const consentUses = new ConsentUseRecorder(store, {
    onError: (err) => logger.warn({ err }, 'consent use not recorded'),
  });
  const apollo = createApollo({ config, logger, httpServer, auditWriter, consentUses, metrics });
  await apollo.start();
  const context = (requestId: string, principal: Principal = ANONYMOUS, startedAt = Date.now()) =>
    createContext(
      {
        store,
        config,
        guards,
        logger,
        caches,
        accounts: accounts.service,
        sweeps: accounts.sweeps,
        reconciliation,
        now: deps.now,
      },
      requestId,
      principal,
      startedAt,
    );

  app.use(assignRequestId);
  // (Not installed at all when request lines would not be written: it costs per request.)
  if (logger.isLevelEnabled('info')) app.use(requestLog(logger));
  opsRoutes(app, { config, store, metrics, health, protection });
  apiRoutes(app, {
    config,
    store,
    logger,
    trust,
    protection,
    auditWriter,
    accounts,
    reconciliation,
    guards,
    metrics,
    apollo,
    context,
  });
  fallbackRoutes(app, logger);

  return {
    app,
    apollo,
    httpServer,
    auditWriter,
    accounts,
    reconciliation,
    metrics,
    guards,
    health,
    protection,
    caches,
    context,
    stop: async () => {
      protection.shutdown();
      stopSweeps();
      // Stops accepting connections, lets in-flight requests finish, then closes the rest.
      await apollo.stop();
      await reconciliation.close();
      await accounts.reports.idle();
      await reconciliation.cases.writer.idle();
      await auditWriter.close();
      await consentUses.close();
      health.close();
      guards.faults.clear();
    },
  };
}

/** The issuers whose tokens the hub accepts (HUB_TRUST_FILE, else the development keys). */
function loadTrust(config: HubConfig): TrustedIssuer[] {
  const trust: TrustedIssuer[] = config.HUB_TRUST_FILE
    ? loadTrustFile(config.HUB_TRUST_FILE)
    : devTrust({ keysDir: config.HUB_KEYS_DIR, hubIssuer: config.HUB_ISSUER, audience: config.HUB_AUDIENCE });
  // CLIENT tokens come from the hub's own token service only.
  const foreignClientIssuers = trust.filter((t) => t.kinds.includes('CLIENT') && t.issuer !== config.HUB_ISSUER);
  if (foreignClientIssuers.length) {
    throw new Error(
      `trust file: only ${config.HUB_ISSUER} may issue CLIENT tokens (${foreignClientIssuers.map((t) => t.issuer).join(', ')})`,
    );
  }
  return trust;
}

/** Apollo Server with the hub's limits, error format and plugins (not started). */
function createApollo(opts: {
  config: HubConfig;
  logger: Logger;
  httpServer: http.Server;
  auditWriter: AuditWriter;
  consentUses: ConsentUseRecorder;
  metrics: HubMetrics;
}): ApolloServer<HubContext> {
  const { config, logger, httpServer, auditWriter, consentUses, metrics } = opts;
  const production = config.NODE_ENV === 'production';
  const armor = new ApolloArmor({
    maxDepth: { n: config.HUB_MAX_DEPTH },
    maxAliases: { n: config.HUB_MAX_ALIASES },
    maxDirectives: { n: config.HUB_MAX_DIRECTIVES },
    // Tokens are limited by graphql-js itself (parseOptions below): armor's Apollo
    // token plugin throws from a hook Apollo 5 answers with a 500.
    maxTokens: { enabled: false },
    // Cost is counted after variable coercion by requestBoundsPlugin (hub/limits.ts): armor's
    // counts literal page sizes only.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  return new ApolloServer<HubContext>({
    schema: buildSchema(),
    validationRules: armor.validationRules,
    // graphql-js stops parsing past this many tokens (before any validation work).
    parseOptions: { maxTokens: config.HUB_MAX_TOKENS },
    introspection: !production,
    // Opt-in (HUB_ERROR_STACKTRACES=1, refused in production): stack traces name the hub's paths.
    includeStacktraceInErrorResponses: config.HUB_ERROR_STACKTRACES,
    allowBatchedHttpRequests: false,
    // main.ts owns shutdown (drain HTTP, close the store, stop the embedded store).
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    formatError: createFormatError({
      // Unexpected errors (driver messages with _ids, BSON errors, TypeErrors) are masked in every
      // environment; HUB_ERROR_STACKTRACES=1 (debugging, refused in production) shows them.
      mask: !config.HUB_ERROR_STACKTRACES,
      onUnexpected: (err) => logger.error({ err }, 'unexpected error'),
      onStoreLost: (err) => logger.warn({ err }, 'store lost during a request: 503'),
    }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.HUB_SHUTDOWN_TIMEOUT_MS }),
      ...armor.plugins,
      // Sizes and cost, with the variables, before anything runs or is stored.
      requestBoundsPlugin({ maxCost: config.HUB_MAX_COST }),
      requestMetricsPlugin(),
      // Reject mode rewrites the response first; the audit then records what really left.
      ...(config.HUB_DISCLOSURE_MODE === 'reject' ? [rejectModePlugin()] : []),
      auditPlugin({ writer: auditWriter, logger, consentUses, metrics }),
      storeUnavailableStatusPlugin(),
      metricsPlugin(),
    ],
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

/** /healthz, /readyz and /metrics. */
function opsRoutes(
  app: express.Express,
  deps: { config: HubConfig; store: Store; metrics: HubMetrics; health: StoreHealth; protection: Protection },
): void {
  const { config, store, metrics, health, protection } = deps;
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const r = await readiness(store, { health, draining: protection.draining });
    res
      .status(r.ready ? 200 : 503)
      .json(r.ready ? { status: 'ready', citizens: r.citizens } : { status: 'not ready', reason: r.reason });
  });

  // Prometheus metrics (no personal data); with HUB_METRICS_TOKEN, only with that bearer token.
  const metricsAuth = config.HUB_METRICS_TOKEN ? Buffer.from(`Bearer ${config.HUB_METRICS_TOKEN}`) : null;
  app.get('/metrics', async (req, res) => {
    if (metricsAuth) {
      const given = Buffer.from(req.header('authorization') ?? '');
      if (given.length !== metricsAuth.length || !timingSafeEqual(given, metricsAuth)) {
        res
          .status(401)
          .json({ errors: [{ message: 'metrics token required', extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
        return;
      }
    }
    res.setHeader('content-type', metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  });
}

/** The API: protection, OAuth token endpoint, CSV downloads, GraphQL. */
function apiRoutes(
  app: express.Express,
  deps: {
    config: HubConfig;
    store: Store;
    logger: Logger;
    trust: TrustedIssuer[];
    protection: Protection;
    auditWriter: AuditWriter;
    accounts: AccountsModule;
    reconciliation: ReconciliationRunner;
    guards: SourceGuards;
    metrics: HubMetrics;
    apollo: ApolloServer<HubContext>;
    context: Hub['context'];
  },
): void {
  const {
    config,
    store,
    logger,
    trust,
    protection,
    auditWriter,
    accounts,
    reconciliation,
    guards,
    metrics,
    apollo,
    context,
  } = deps;
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

  app.use(
    '/graphql',
    express.json({ limit: '64kb' }),
    expressMiddleware(apollo, {
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
    }),
  );
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
