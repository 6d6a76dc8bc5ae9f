import { rmSync } from 'node:fs';
import type { LocalDb } from '../../hub/localdb';

/** Stops the embedded store the global setup started and removes its files. */
export default async function globalTeardown(): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  await (g.__HUB_LOCALDB__ as LocalDb | undefined)?.stop();
  const dir = g.__HUB_LOCALDB_DIR__ as string | undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
