import type { LocalDb } from '../../hub/localdb';

export default async function globalTeardown(): Promise<void> {
  const db = (globalThis as Record<string, unknown>).__HUB_LOCALDB__ as LocalDb | undefined;
  await db?.stop();
}
