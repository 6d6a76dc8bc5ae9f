import { rmSync } from 'node:fs';
import type { LocalDb } from '../../store/localdb';

/** Stops the embedded store the global setup started and removes its files. */
export default async function globalTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  await (g.__HUB_LOCALDB__ as LocalDb | undefined)?.stop();
  const dir = g.__HUB_LOCALDB_DIR__ as string | undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  // Keys the test files of this run generated for themselves (test/support/keys.ts); only this
  // run's folder, so that a concurrent run's keys on the same machine stay where they are.
  const runDir = process.env.HUB_TEST_RUN_DIR;
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}
