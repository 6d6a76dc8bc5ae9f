/**
 * The hub's process: starts the embedded store when MONGODB_URI is unset, serves GraphQL
 * on PORT until SIGINT/SIGTERM. `tsx hub/main.ts` runs it as is; `npm start` runs it through
 * scripts/start.ts, which loads demo data (HUB_DEMO_CITIZENS citizens) into an empty store.
 */
import { loadConfig } from './config';
import { createLogger } from '../lib/logger';
import { startLocalDb, type LocalDb } from '../store/localdb';
import { Store } from '../store/connection';
import { readiness, startHub } from './server';
import type { HubConfig } from './config';
import type { Logger } from 'pino';

export interface MainOptions {
  /**
   * Called once the hub listens when the sources hold nothing yet (`/readyz`: sources not
   * seeded): `npm start` seeds demo data here. Default: nothing (the hub stays not ready).
   */
  loadSources?: (store: Store, config: HubConfig, logger: Logger) => Promise<void>;
}

export async function main(opts: MainOptions = {}): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);

  if (config.HUB_AUTH === 'off') {
    const banner = [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '!!  HUB_AUTH=off: DEVELOPMENT MODE. Personal data is served WITHOUT any   !!',
      '!!  authentication to anyone who can reach this port. Never run it with   !!',
      '!!  real data. (Refused when NODE_ENV=production.)                         !!',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '',
    ].join('\n');
    process.stderr.write(banner + '\n');
    logger.warn({ auth: 'off' }, 'authentication is OFF (development mode)');
  }

  let localDb: LocalDb | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    localDb = await startLocalDb({ dataDir: config.HUB_DATA_DIR, port: config.HUB_LOCALDB_PORT });
    uri = localDb.uri;
    logger.info({ store: 'embedded-ferretdb', uri, dataDir: config.HUB_DATA_DIR }, 'embedded store started');
  }

  const store = await Store.connect({
    uri,
    dbPrefix: config.HUB_DB_PREFIX,
    maxPoolSize: config.HUB_STORE_POOL,
    // See an outage (and the recovery) within about a heartbeat; fail operations fast meanwhile.
    heartbeatFrequencyMS: config.HUB_STORE_HEARTBEAT_MS,
    serverSelectionTimeoutMS: 2_000,
    connectTimeoutMS: config.HUB_STORE_CONNECT_TIMEOUT_MS,
    socketTimeoutMS: config.HUB_STORE_SOCKET_TIMEOUT_MS,
  });
  if (config.HUB_STORE_LOOKUP !== 'auto') store.lookupStrategy = config.HUB_STORE_LOOKUP;
  logger.info({ ferretdb: store.isFerretDb, lookup: store.lookupStrategy }, 'store connected');

  const hub = await startHub(
    { config, store, logger, scheduleSweeps: true },
    { port: config.PORT, host: config.HUB_HOST },
  );
  logger.info({ url: `${hub.url}/graphql` }, 'hub listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(
      { signal, inFlight: hub.protection.active },
      'shutting down: refusing new requests, finishing the others',
    );
    // Should draining hang (a stuck connection), leave anyway, after the grace period and a margin.
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.HUB_SHUTDOWN_TIMEOUT_MS + 15_000).unref();
    await hub.stop().catch((err) => logger.error({ err }, 'stop failed'));
    logger.info('requests drained, background work stopped, audit flushed');
    await store.close().catch(() => undefined);
    logger.info('store closed');
    await localDb?.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const ready = await readiness(store);
  if (!ready.ready && ready.reason === 'sources not seeded' && opts.loadSources) {
    await opts.loadSources(store, config, logger);
  }
  const after = await readiness(store);
  logger.info(after, after.ready ? 'hub ready' : 'hub not ready');
  if (after.ready && config.HUB_AUTH === 'on' && !config.HUB_TRUST_FILE) {
    logger.info(
      'development tokens: npm run -s citizens:sample -- --level 2 --status ACTIVE --count 1, then npm run -s token -- citizen <personalId>',
    );
  }
}

/** Runs `main`, and exits with a one-line reason when the hub cannot start. */
export function run(opts: MainOptions = {}): void {
  main(opts).catch((err) => {
    process.stderr.write(`hub failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

if (require.main === module) run();
