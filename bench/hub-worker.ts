/**
 * One hub process of `bench/hubs.ts` (a node:cluster worker: the workers share the port, the
 * primary hands each new connection to one of them). Configuration from the primary's
 * environment: `HUB_BENCH_CONFIG` (JSON of hub settings) and `HUB_BENCH_PORT`.
 */
import pino from 'pino';
import { loadConfig } from '../hub/config';
import { startHub } from '../hub/server';
import { Store } from '../store/connection';

async function worker(): Promise<void> {
  const env = JSON.parse(process.env.HUB_BENCH_CONFIG ?? '{}') as Record<string, string>;
  const config = loadConfig(env);
  const store = await Store.connect({ uri: config.MONGODB_URI!, dbPrefix: config.HUB_DB_PREFIX, maxPoolSize: 64 });
  const hub = await startHub(
    { config, store, logger: pino({ level: 'silent' }) },
    { port: Number(process.env.HUB_BENCH_PORT), host: '127.0.0.1' },
  );
  process.send?.({ ready: true });
  process.on('message', (m: { stop?: boolean }) => {
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
