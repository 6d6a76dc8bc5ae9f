/**
 * The hub's services and their background work, built from the configuration: the access
 * caches and trusted issuers, the sources' guards, store health, request protection, the audit
 * writer, the accounts module (and its daily sweeps), reconciliation (resumed and watched), and
 * the consent-use recorder. app.ts puts them behind Apollo and Express.
 */
import type { Logger } from 'pino';
import type { HubConfig } from './config';
import { sourcePolicies } from './config';
import { HubMetrics } from './metrics';
import { Protection } from './protect';
import type http from 'node:http';
import { hubOrigins, type HubOrigins } from './origins';
import { authorizationServer, type AuthServer } from './routes/auth-server';
import { loadOrCreateSigningKey } from '../services/access/auth/keys';
import { SHARE_KEY_NAME, ShareService } from '../services/share/shares';
import { FaultInjector } from '../connectors/faults';
import { SOURCE_NAMES } from '../connectors/registry';
import { SourceGuards } from '../connectors/resilience';
import { AccessCaches } from '../services/access/access';
import type { AccountChangeFeed } from '../services/access/account-feed';
import { devTrust, loadTrustFile, type TrustedIssuer } from '../services/access/auth/trust';
import { ConsentUseRecorder } from '../services/access/consents/use';
import { createAccountsModule, type AccountsModule } from '../services/accounts';
import type { Notifier } from '../services/accounts/notifier';
import { AuditWriter } from '../services/audit/writer';
import { CaseService } from '../services/reconciliation/cases';
import { ReconciliationRunner } from '../services/reconciliation/runs';
import type { Store } from '../store/connection';
import { StoreHealth } from '../store/health';
import type { RightsService } from '../services/rights/service';
import { HUB_TOKEN_SERVICE_KEY_NAME } from '../services/access/auth/trust';
import { createRights, scheduleRetention } from './rights';

/** What the services are built from (app.ts's `HubDeps`). */
export interface ServiceDeps {
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

/** The hub's services, started (background work running). */
export interface HubServices {
  /** The process-wide short-lived caches of consents, clients and accounts. */
  caches: AccessCaches;
  /** Keeps accounts' facts past the caches' TTL while it vouches for them (null: HUB_ACCOUNT_FEED_POLL_MS=0). */
  accountFeed: AccountChangeFeed | null;
  /** The issuers whose tokens the hub accepts. */
  trust: TrustedIssuer[];
  metrics: HubMetrics;
  /** The sources' guards (breakers) and, through `guards.faults`, fault injection. */
  guards: SourceGuards;
  health: StoreHealth;
  protection: Protection;
  auditWriter: AuditWriter;
  accounts: AccountsModule;
  reconciliation: ReconciliationRunner;
  consentUses: ConsentUseRecorder;
  /** Share by QR (codes, SD-JWT signing). */
  shares: ShareService;
  /** The authorization server (token endpoint, app sign-in, JWKS) and its session revocations. */
  auth: AuthServer;
  /** The hub's public origins (issuer, CORS allow-list, app redirect URIs). */
  origins: () => HubOrigins;
  /** Stops the daily sweeps' schedule (a no-op when they are not scheduled). */
  stopSweeps: () => void;
  /** The data subjects' requests, restrictions and consent statements (docs/rights.md). */
  rights: RightsService;
  /** Stops the daily audit-retention sweep's schedule (a no-op when it is not scheduled). */
  stopRetention: () => void;
}

/** Builds the services and starts their background work. */
export async function startServices(deps: ServiceDeps, httpServer: http.Server): Promise<HubServices> {
  const { config, store, logger } = deps;
  const caches = new AccessCaches(store);
  const accountFeed = config.HUB_ACCOUNT_FEED_POLL_MS
    ? caches.followAccountChanges(store, { logger, timing: { pollMs: config.HUB_ACCOUNT_FEED_POLL_MS } })
    : null;
  const trust = loadTrust(config);
  const metrics = new HubMetrics(SOURCE_NAMES, { processMetrics: deps.processMetrics });
  const guards = new SourceGuards(sourcePolicies(config), new FaultInjector(config.HUB_FAULTS), metrics);
  if (Object.keys(config.HUB_FAULTS).length) logger.warn({ faults: config.HUB_FAULTS }, 'FAULT INJECTION is on');
  const health = new StoreHealth(store, logger);
  health.onChange((up) => metrics.storeUp.set(up ? 1 : 0));
  const origins = hubOrigins(config, httpServer);
  const shares = new ShareService({
    store,
    key: loadOrCreateSigningKey(config.HUB_KEYS_DIR, SHARE_KEY_NAME),
    issuer: config.HUB_ISSUER,
  });
  const auth = authorizationServer({
    config,
    store,
    logger,
    origins,
    now: deps.now,
    publishedKeys: [shares.signingKey],
    // `accounts` is built below; the token endpoint asks it only once the hub serves.
    guardianship: (guardianId, childId) => accounts.service.guardianship(guardianId, childId),
  });
  const protection = new Protection({
    limits: config.HUB_RATE_LIMITS,
    maxConcurrent: config.HUB_MAX_CONCURRENT,
    trust,
    health,
    metrics,
    sessions: auth.revocations,
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
  const reconciliation = await startReconciliation(deps, auditWriter, health);
  const stopSweeps =
    deps.scheduleSweeps && config.HUB_SWEEP_AT !== 'off'
      ? accounts.sweeps.schedule(config.HUB_SWEEP_AT, auditWriter)
      : () => {};
  const consentUses = new ConsentUseRecorder(store, {
    onError: (err) => logger.warn({ err }, 'consent use not recorded'),
  });
  // The token service's key (published at /.well-known/jwks.json) also signs consent statements
  // and audit-retention checkpoints.
  const hubKey = loadOrCreateSigningKey(config.HUB_KEYS_DIR, HUB_TOKEN_SERVICE_KEY_NAME);
  const rights = createRights({
    config,
    store,
    logger,
    caches,
    cases: reconciliation.cases,
    signingKey: hubKey,
    now: deps.now,
    guardianship: (guardianId, childId) => accounts.service.guardianship(guardianId, childId),
  });
  const stopRetention = deps.scheduleSweeps
    ? scheduleRetention({ config, store, writer: auditWriter, signingKey: hubKey, logger, now: deps.now })
    : () => {};
  return {
    caches,
    accountFeed,
    trust,
    metrics,
    guards,
    health,
    protection,
    auditWriter,
    accounts,
    reconciliation,
    consentUses,
    shares,
    auth,
    origins,
    stopSweeps,
    rights,
    stopRetention,
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

/** Reconciliation runs go on in the background and resume after a restart. */
async function startReconciliation(
  deps: ServiceDeps,
  audit: AuditWriter,
  health: StoreHealth,
): Promise<ReconciliationRunner> {
  const { config, store, logger } = deps;
  const reconciliation = new ReconciliationRunner({
    store,
    logger,
    now: deps.now,
    cases: new CaseService({ store, logger, now: deps.now }),
    audit,
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
  return reconciliation;
}
