import pino from 'pino';
import type { Principal } from '../../services/access/auth/principal';
import { loadConfig } from '../../hub/config';
import { buildHub } from '../../hub/app';
import type { Notifier } from '../../services/accounts/notifier';
import type { Store } from '../../store/connection';

/**
 * The hub as main.ts builds it (hub/app.ts), not listening, over the real store: operations
 * execute in process through its Apollo server (plugins included) with an explicit principal.
 */
export async function createExecutor(
  store: Store,
  env: Record<string, string> = {},
  opts: { notifier?: Notifier; now?: () => Date } = {},
) {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', HUB_RATE_LIMITS: 'off', ...env });
  const logger = pino({ level: 'silent' });
  const hub = await buildHub({ config, store, logger, notifier: opts.notifier, now: opts.now, processMetrics: false });
  return {
    caches: hub.caches,
    accounts: hub.accounts,
    /** Executes an operation; `T` declares what it selects (as for `gql` in ./hub). */
    async exec<T = Record<string, unknown>>(principal: Principal, query: string, variables?: Record<string, unknown>) {
      const ctx = hub.context('test', principal);
      const res = await hub.apollo.executeOperation<T>({ query, variables }, { contextValue: ctx });
      if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
      return { result: res.body.singleResult, ctx };
    },
    reconciliation: hub.reconciliation,
    guards: hub.guards,
    hub,
    stop: () => hub.stop(),
  };
}
