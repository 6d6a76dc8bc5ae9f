import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalDb } from '../../hub/localdb';

/** Stops the embedded store the global setup started and removes its files. */
export default async function globalTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  await (g.__HUB_LOCALDB__ as LocalDb | undefined)?.stop();
  const dir = g.__HUB_LOCALDB_DIR__ as string | undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  // Keys the test files generated for themselves (test/support/keys.ts).
  for (const d of readdirSync(tmpdir())) {
    if (d.startsWith('hub-test-keys-')) rmSync(join(tmpdir(), d), { recursive: true, force: true });
  }
}
