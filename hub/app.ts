/**
 * The hub assembled: the services (wiring.ts), Apollo (apollo.ts) and the HTTP app (http.ts),
 * built and started but not listening (server.ts listens; the tests use `buildHub` as is).
 */
import type http from 'node:http';
import type express from 'express';
import type { ApolloServer } from '@apollo/server';
import { createApollo } from './apollo';
import { createHttpServer, mountRoutes, type ContextFactory } from './http';
import type { HubMetrics } from './metrics';
import type { Protection } from './protect';
import { startServices, type ServiceDeps } from './wiring';
import type { AccessCaches } from '../services/access/access';
import { ANONYMOUS, type Principal } from '../services/access/auth/principal';
import type { AccountsModule } from '../services/accounts';
import type { AuditWriter } from '../services/audit/writer';
import { createContext, type HubContext } from '../services/context';
import type { ReconciliationRunner } from '../services/reconciliation/runs';
import type { RightsService } from '../services/rights/service';
import type { SourceGuards } from '../connectors/resilience';
import type { StoreHealth } from '../store/health';

/** What the hub is built from: configuration, store, logger, and what the tests replace. */
export type HubDeps = ServiceDeps;

/** The hub, built and started (background work running) but not listening. */
export interface Hub {
  /** The Express app: GraphQL at /graphql, /healthz, /readyz, /metrics, OAuth and CSV routes. */
  app: express.Express;
  apollo: ApolloServer<HubContext>;
  httpServer: http.Server;
  auditWriter: AuditWriter;
  accounts: AccountsModule;
  reconciliation: ReconciliationRunner;
  /** The data subjects' requests, restrictions and consent statements. */
  rights: RightsService;
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

/**
 * Builds the hub: the services and their background work, Apollo, and the Express app with
 * GraphQL at /graphql, /healthz and /readyz. Does not listen (server.ts's `startHub` does).
 */
export async function buildHub(deps: HubDeps): Promise<Hub> {
  const { config, store, logger } = deps;
  const { app, httpServer } = createHttpServer(config);
  const services = await startServices(deps, httpServer);
  const { caches, guards, auditWriter, accounts, reconciliation, consentUses, metrics, health, protection } = services;
  const apollo = createApollo({ config, logger, httpServer, auditWriter, consentUses, metrics });
  await apollo.start();
  const context: ContextFactory = (requestId, principal = ANONYMOUS, startedAt = Date.now()) =>
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
        shares: services.shares,
        rights: services.rights,
        now: deps.now,
      },
      requestId,
      principal,
      startedAt,
    );
  mountRoutes(app, { ...services, config, store, logger, apollo, context, now: deps.now });

  return {
    app,
    apollo,
    httpServer,
    auditWriter,
    accounts,
    reconciliation,
    rights: services.rights,
    metrics,
    guards,
    health,
    protection,
    caches,
    context,
    stop: async () => {
      protection.shutdown();
      services.stopSweeps();
      services.stopRetention();
      // Stops accepting connections, lets in-flight requests finish, then closes the rest.
      await apollo.stop();
      await reconciliation.close();
      await accounts.reports.idle();
      await reconciliation.cases.writer.idle();
      await auditWriter.close();
      await consentUses.close();
      await services.accountFeed?.stop();
      health.close();
      guards.faults.clear();
    },
  };
}
