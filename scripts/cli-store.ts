import { connect } from 'node:net';
import { startLocalDb, type LocalDb } from '../store/localdb';
import { Store } from '../store/connection';

/** True when something accepts TCP connections on 127.0.0.1:port. */
function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      res(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * The store for a command-line tool (`client:add`, `citizens:sample`, `audit:verify`):
 * MONGODB_URI when set; otherwise the embedded store of a running hub on
 * 127.0.0.1:HUB_LOCALDB_PORT (default 27018); otherwise the embedded store started on
 * HUB_DATA_DIR (default `.data/localdb`) for the duration of the command.
 * Databases are prefixed with HUB_DB_PREFIX. `close()` stops what was started.
 */
export async function openCliStore(opts: { maxPoolSize?: number } = {}): Promise<{
  store: Store;
  /** True when the store is a running hub's embedded store (the hub may be writing to it now). */
  sharedWithRunningHub: boolean;
  /** Closes the store and stops what was started (a bound function: it may be destructured). */
  close: () => Promise<void>;
}> {
  let local: LocalDb | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    const port = Number(process.env.HUB_LOCALDB_PORT ?? 27018);
    if (await portAnswers(port)) {
      uri = `mongodb://127.0.0.1:${port}/`;
    } else {
      local = await startLocalDb({ dataDir: process.env.HUB_DATA_DIR ?? '.data/localdb', port });
      uri = local.uri;
    }
  }
  try {
    const store = await Store.connect({
      uri,
      dbPrefix: process.env.HUB_DB_PREFIX ?? '',
      maxPoolSize: opts.maxPoolSize ?? 4,
    });
    return {
      store,
      sharedWithRunningHub: !process.env.MONGODB_URI && !local,
      close: async () => {
        await store.close();
        await local?.stop();
      },
    };
  } catch (err) {
    await local?.stop();
    throw err;
  }
}
