/**
 * Runs the daily account sweeps now (what the hub does at HUB_SWEEP_AT): locks accounts whose
 * chip ID card expired, closes passed activation windows, sends owed notices, refreshes the
 * population facts of the reports. Transitions are audited as the SYSTEM.
 *
 *   npm run accounts:sweep
 */
import pino from 'pino';
import { AccessCaches } from '../services/access/access';
import { createAccountsModule } from '../services/accounts';
import { auditSweep } from '../services/accounts/sweeps';
import { AuditWriter } from '../services/audit/writer';
import { openCliStore } from './cli-store';
import { loadConfig } from '../hub/config';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL });
  const { store, close, sharedWithRunningHub } = await openCliStore();
  try {
    // The embedded store applies updates as unlocked read-modify-write: a second writer beside
    // a running hub would lose counter and list updates.
    if (sharedWithRunningHub && !process.argv.includes('--force')) {
      throw new Error(
        `a hub is running on this embedded store; use accountSweepRun (a supervisor), which runs inside the hub (or --force)`,
      );
    }
    const m = createAccountsModule({ store, caches: new AccessCaches(store), logger, config });
    const r = await m.sweeps.runAll();
    await m.reports.idle();
    if (r.changes.length) {
      const audit = await AuditWriter.open(store, { logger });
      await auditSweep(audit, r.changes);
      await audit.close();
    }
    process.stdout.write(JSON.stringify(r.counts) + '\n');
  } finally {
    await close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`accounts:sweep failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
