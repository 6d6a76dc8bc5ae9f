import { timingSafeEqual } from 'node:crypto';
import type express from 'express';
import type { HubConfig } from './config';
import { ErrorCode } from '../lib/errors';
import type { HubMetrics } from './metrics';
import type { Protection } from './protect';
import type { Store } from '../store/connection';
import type { StoreHealth } from '../store/health';
import { SOURCES_STATUS_COLLECTION, type SourcesStatusDoc } from '../store/sources-status';

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

/** /healthz, /readyz and /metrics. */
export function opsRoutes(
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
