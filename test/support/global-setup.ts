import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalDb } from '../../store/localdb';
import { Store } from '../../store/connection';
import { seed } from '../../mockdata/seed/index';
import { ensureAppBuilt } from '../../scripts/app-build';
import { TEST_CITIZENS, TEST_PREFIX, TEST_RATES, TEST_SEED } from './constants';

/**
 * Starts the real embedded store (unless MONGODB_URI points at a MongoDB) in a
 * fresh temporary directory, and seeds the shared test data set under the
 * `t_` prefix. Workers inherit MONGODB_URI.
 */
export default async function globalSetup(globalConfig?: { testPathPattern?: string }): Promise<void> {
  // The browser tests serve the app's build: built here once, before the workers start, and not by
  // each app test file's own set-up at the same time (several Vite builds at once on two cores ran
  // a set-up past its timeout). Only when the run may include them (the whole suite, or a path
  // naming the app); alongside the seeding below.
  const pattern = globalConfig?.testPathPattern ?? '';
  const appBuild = pattern === '' || /app/i.test(pattern) ? ensureAppBuilt({ quiet: true }) : Promise.resolve(false);
  // Held until the seeding is done (then thrown), not left unhandled meanwhile.
  const built = appBuild.then(
    () => null,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  // One folder for this run's generated keys (workers inherit the variable; teardown removes it).
  process.env.HUB_TEST_RUN_DIR = mkdtempSync(join(tmpdir(), 'hub-test-run-'));
  if (!process.env.MONGODB_URI) {
    const dataDir = mkdtempSync(join(tmpdir(), 'hub-test-store-'));
    const db = await startLocalDb({ dataDir, port: 0 });
    process.env.MONGODB_URI = db.uri;
    (globalThis as Record<string, unknown>).__HUB_LOCALDB__ = db;
    (globalThis as Record<string, unknown>).__HUB_LOCALDB_DIR__ = dataDir;
  }
  const store = await Store.connect({ uri: process.env.MONGODB_URI, dbPrefix: TEST_PREFIX });
  try {
    await seed(store, { citizens: TEST_CITIZENS, seed: TEST_SEED, rates: TEST_RATES });
  } finally {
    await store.close();
  }
  const buildError = await built;
  if (buildError) throw buildError;
}
