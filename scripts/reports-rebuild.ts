/**
 * Rebuilds the working groups' report counters and lists from the accounts' histories and
 * the population source (after a restore, or when a counter write failed):
 *
 *   npm run reports:rebuild
 *
 * Store: as the other tools (MONGODB_URI, else the running hub's embedded store, else the
 * embedded store on HUB_DATA_DIR). Run it while no account transitions are being made.
 */
import { openCliStore } from './cli-store';
import { rebuildReports } from '../services/accounts/reports/rebuild';

async function main(): Promise<void> {
  const { store, close, sharedWithRunningHub } = await openCliStore();
  try {
    // The embedded store applies updates as unlocked read-modify-write: a second writer beside
    // a running hub would lose counter and list updates.
    if (sharedWithRunningHub && !process.argv.includes('--force')) {
      throw new Error(
        `a hub is running on this embedded store; use a maintenance window: stop the hub first (or --force)`,
      );
    }
    const r = await rebuildReports(store, { log: (m) => process.stderr.write(m + '\n') });
    process.stdout.write(
      `rebuilt from ${r.accounts} accounts and ${r.population} population records: ` +
        `${r.counterDocs} counter documents, ${r.listDocs} list documents in ${(r.ms / 1000).toFixed(1)} s\n`,
    );
  } finally {
    await close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`reports:rebuild failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
