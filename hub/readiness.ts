/** `/readyz` and the process's start-up check: can the hub serve, and if not, why. */
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
