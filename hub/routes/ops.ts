/**
 * The operations routes: /healthz (the process answers), /readyz (it can serve: readiness.ts)
 * and /metrics (Prometheus). They sit before the protection gates, so they answer while the hub
 * refuses work.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { HubConfig } from '../config';
import type { HubMetrics } from '../metrics';
import type { Protection } from '../protect';
import { readiness } from '../readiness';
import type { Store } from '../../store/connection';
import type { StoreHealth } from '../../store/health';
import { ErrorCode } from '../../lib/errors';

export function opsRouter(deps: {
  config: HubConfig;
  store: Store;
  metrics: HubMetrics;
  health: StoreHealth;
  protection: Protection;
}): Router {
  const { config, store, metrics, health, protection } = deps;
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const r = await readiness(store, { health, draining: protection.draining });
    res
      .status(r.ready ? 200 : 503)
      .json(r.ready ? { status: 'ready', citizens: r.citizens } : { status: 'not ready', reason: r.reason });
  });

  // Prometheus metrics (no personal data); with HUB_METRICS_TOKEN, only with that bearer token.
  const metricsAuth = config.HUB_METRICS_TOKEN ? Buffer.from(`Bearer ${config.HUB_METRICS_TOKEN}`) : null;
  router.get('/metrics', async (req, res) => {
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
  return router;
}
