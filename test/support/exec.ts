import { ApolloServer } from '@apollo/server';
import pino from 'pino';
import { AccessCaches } from '../../services/access/access';
import type { Principal } from '../../services/access/auth/principal';
import { loadConfig, sourcePolicies } from '../../hub/config';
import { SourceGuards } from '../../connectors/resilience';
import { createContext, type HubContext } from '../../services/context';
import { buildSchema } from '../../hub/schema';
import { createAccountsModule } from '../../services/accounts';
import { ReconciliationRunner } from '../../services/reconciliation/runs';
import type { Notifier } from '../../services/accounts/notifier';
import type { Store } from '../../store/connection';

/** An in-process Apollo server over the real store, executing with an explicit principal. */
export async function createExecutor(
  store: Store,
  env: Record<string, string> = {},
  opts: { notifier?: Notifier; now?: () => Date } = {},
) {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
  const server = new ApolloServer<HubContext>({ schema: buildSchema() });
  await server.start();
  const caches = new AccessCaches(store, env.HUB_CACHE_TTL_MS ? Number(env.HUB_CACHE_TTL_MS) : 2_000);
  const logger = pino({ level: 'silent' });
  const accounts = createAccountsModule({ store, caches, logger, config, notifier: opts.notifier, now: opts.now });
  const reconciliation = new ReconciliationRunner({ store, logger, now: opts.now });
  const guards = new SourceGuards(sourcePolicies(config));
  return {
    caches,
    accounts,
    async exec(principal: Principal, query: string, variables?: Record<string, unknown>) {
      const ctx = createContext(
        {
          store,
          config,
          guards,
          logger,
          caches,
          accounts: accounts.service,
          sweeps: accounts.sweeps,
          reconciliation,
          now: opts.now,
        },
        'test',
        principal,
      );
      const res = await server.executeOperation({ query, variables }, { contextValue: ctx });
      if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
      return { result: res.body.singleResult, ctx };
    },
    reconciliation,
    guards,
    stop: async () => {
      await reconciliation.close();
      await server.stop();
    },
  };
}
