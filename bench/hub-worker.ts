/**
 * One hub process of the benches: a node:cluster worker of `bench/hubs.ts` (the workers share the
 * port, the primary hands each new connection to one of them), or a child of the soak
 * (bench/resilience.ts: the hub in a process of its own, as deployed, not in the bench's). Its
 * settings from the parent's environment: `HUB_BENCH_CONFIG` (JSON of hub settings) and
 * `HUB_BENCH_PORT`; with `HUB_BENCH_BASELINE=1` the bare baseline (bench/baseline.ts) instead of the
 * hub, for the soak's floor. Messages: `{ memory: true }` answers `{ memory }`, this process's memory right
 * after a full garbage collection; `{ gcPauses: true }` answers `{ gcPauses }`, this process's
 * garbage-collection pauses since the last such message (bench/tail-shape.ts); `{ stop: true }`
 * stops the hub and exits.
 */
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { loadConfig } from '../hub/config';
import { startHub } from '../hub/server';
import { Store } from '../store/connection';
import { startBaseline } from './baseline';
import type { GcPause } from './tail-shape';

const KINDS: Record<number, GcPause['kind']> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
};
/** Kept until asked for; bounded (a 300 s soak makes about 1,500). */
let pauses: GcPause[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (pauses.length >= 100_000) pauses = pauses.slice(50_000);
    const kind = KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? 0];
    if (kind) pauses.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, kind });
  }
}).observe({ entryTypes: ['gc'] });

function afterFullGc(): NodeJS.MemoryUsage {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage();
}

async function worker(): Promise<void> {
  const env = JSON.parse(process.env.HUB_BENCH_CONFIG ?? '{}') as Record<string, string>;
  const config = loadConfig(env);
  const store = await Store.connect({ uri: config.MONGODB_URI!, dbPrefix: config.HUB_DB_PREFIX, maxPoolSize: 64 });
  const port = Number(process.env.HUB_BENCH_PORT);
  const hub =
    process.env.HUB_BENCH_BASELINE === '1'
      ? await startBaseline(store, port).then((b) => ({ stop: () => b.close() }))
      : await startHub({ config, store, logger: pino({ level: 'silent' }) }, { port, host: '127.0.0.1' });
  process.send?.({ ready: true });
  // The bench that started this process is gone (killed): so is its hub.
  process.on('disconnect', () => process.exit(1));
  process.on('message', (m: { stop?: boolean; memory?: boolean; gcPauses?: boolean }) => {
    if (m?.memory) process.send?.({ memory: afterFullGc() });
    if (m?.gcPauses) {
      process.send?.({ gcPauses: pauses });
      pauses = [];
    }
    if (!m?.stop) return;
    void hub
      .stop()
      .catch(() => undefined)
      .then(() => store.close())
      .finally(() => process.exit(0));
  });
}

worker().catch((err) => {
  console.error(err);
  process.exit(1);
});
