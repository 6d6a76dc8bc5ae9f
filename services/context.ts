import type { Logger } from 'pino';
import { RequestMetrics } from '../connectors/batch';
import { createLoaders, type Loaders } from '../connectors/registry';
import type { SourceGuards } from '../connectors/resilience';
import type { HubConfig } from '../hub/config';
import type { Store } from '../store/connection';
import { ANONYMOUS, type Principal } from './access/auth/principal';
import type { AuditCollector } from './audit/model';
import type { AccessLookups, Decision } from './access/policy';
import { AccessCaches, createAccessLookups } from './access/access';
import type { AccountService } from './accounts/service';
import type { Sweeps } from './accounts/sweeps';
import type { ReconciliationRunner } from './reconciliation/runs';
import type { RightsService } from './rights/service';
import type { ShareService } from './share/shares';

/** Everything a resolver may use, built fresh for each request by `createContext`. */
export interface HubContext {
  requestId: string;
  /** Per-request, per-source loaders (never shared between requests). */
  loaders: Loaders;
  /** Counters of source batch calls and store commands in this request. */
  metrics: RequestMetrics;
  /** When the request started and by when it must be answered (epoch ms): no source is asked past it. */
  startedAt: number;
  deadline: number;
  /**
   * The operation's metrics label (`query.citizen`), once it is known. An object, shared by the
   * shallow copy of the context Apollo gives to plugins and resolvers and by this one.
   */
  operation: { label?: string };
  /** `off`: development mode, the policy is bypassed (refused in production). */
  auth: { mode: 'on' | 'off' };
  /** Who is calling (from the bearer token; ANONYMOUS without one). */
  principal: Principal;
  /** Accounts, consents and clients, for the disclosure policy. */
  access: AccessLookups;
  /** What was disclosed and denied in this request, for the audit. */
  audit: AuditCollector;
  /**
   * Disclosure decisions already taken in this request, by `<citizenId>|<scope>` (the entry
   * point takes those of citizens and clients, which do not depend on the record).
   */
  decisions: Map<string, Decision>;
  /** "Today" for validity checks (Vietnam's date). */
  now: Date;
  logger: Logger;
  /** The hub's store (for the hub's own data: consents, clients, audit). */
  store: Store;
  /** Process-wide short-lived caches (consents, clients, accounts). */
  caches: AccessCaches;
  /** E-identity account operations (process-wide). */
  accounts: AccountService;
  /** The daily sweeps, for `accountSweepRun`. */
  sweeps: Sweeps;
  /** Reconciliation runs (background, process-wide). */
  reconciliation: ReconciliationRunner;
  /** The data subjects' requests, restrictions and consent statements (process-wide). */
  rights: RightsService;
  /** Shares by QR code (process-wide). */
  shares: ShareService;
}

export interface ContextDeps {
  store: Store;
  config: Pick<HubConfig, 'HUB_AUTH' | 'HUB_REQUEST_DEADLINE_MS'>;
  /** The sources' timeouts, retries and breakers (process-wide). */
  guards: SourceGuards;
  logger: Logger;
  /** Process-wide short-lived caches behind `access`. */
  caches: AccessCaches;
  accounts: AccountService;
  sweeps: Sweeps;
  reconciliation: ReconciliationRunner;
  rights: RightsService;
  shares: ShareService;
  /** The clock; default the system's. */
  now?: () => Date;
}

export function createContext(
  deps: ContextDeps,
  requestId: string,
  principal: Principal = ANONYMOUS,
  startedAt = Date.now(),
): HubContext {
  const metrics = new RequestMetrics();
  const deadline = startedAt + deps.config.HUB_REQUEST_DEADLINE_MS;
  return {
    requestId,
    loaders: createLoaders(deps.store, metrics, { guards: deps.guards, deadline }),
    metrics,
    startedAt,
    deadline,
    auth: { mode: deps.config.HUB_AUTH },
    principal,
    access: createAccessLookups(
      deps.store,
      deps.caches,
      undefined,
      // The accounts service's clock decides the child's age (the same as childAccount's).
      (guardianId, childId) => deps.accounts.guardianship(guardianId, childId),
    ),
    audit: { events: [] },
    operation: {},
    decisions: new Map(),
    now: deps.now ? deps.now() : new Date(),
    logger: deps.logger.child({ requestId }),
    store: deps.store,
    caches: deps.caches,
    accounts: deps.accounts,
    sweeps: deps.sweeps,
    reconciliation: deps.reconciliation,
    rights: deps.rights,
    shares: deps.shares,
  };
}
