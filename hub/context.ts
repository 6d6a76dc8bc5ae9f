import type { Logger } from 'pino';
import { RequestMetrics } from '../connectors/batch';
import { createLoaders, type Loaders } from '../connectors/registry';
import type { HubConfig } from './config';
import type { Store } from './store/connection';

/** Everything a resolver may use, built fresh for each request by `createContext`. */
export interface HubContext {
  requestId: string;
  /** Per-request, per-source loaders (never shared between requests). */
  loaders: Loaders;
  /** Counters of source batch calls and store commands in this request. */
  metrics: RequestMetrics;
  /** Whether personal data may be served (until tokens land: HUB_AUTH=off only). */
  auth: { mode: 'on' | 'off' };
  /** "Today" for validity checks (Vietnam's date). */
  now: Date;
  logger: Logger;
}

export interface ContextDeps {
  store: Store;
  config: Pick<HubConfig, 'HUB_AUTH' | 'HUB_SOURCE_TIMEOUT_MS'>;
  logger: Logger;
}

export function createContext(deps: ContextDeps, requestId: string): HubContext {
  const metrics = new RequestMetrics();
  return {
    requestId,
    loaders: createLoaders(deps.store, metrics, deps.config.HUB_SOURCE_TIMEOUT_MS),
    metrics,
    auth: { mode: deps.config.HUB_AUTH },
    now: new Date(),
    logger: deps.logger.child({ requestId }),
  };
}
