/**
 * Runs the audit-retention sweep now (what the hub does daily at HUB_AUDIT_RETENTION_AT): removes
 * the audit records and access-log entries older than HUB_AUDIT_RETENTION_YEARS (default 5,
 * Decree 69/2024 Art. 28), each chain's removed records covered by a checkpoint signed with the
 * hub's key (HUB_KEYS_DIR), so `npm run audit:verify` verifies from it onward.
 *
 *   npm run audit:retention
 *
 * Store: as `npm run audit:verify`. Beside a running hub on the embedded store it refuses (the
 * hub's access-log writes and the sweep's would interleave; the hub runs it itself) unless --force.
 * Prints what was removed; exits 1 when a chain could not be swept (it does not verify), 2 on an error.
 */
import { loadConfig } from '../hub/config';
import { loadSigningKey } from '../services/access/auth/keys';
import { HUB_TOKEN_SERVICE_KEY_NAME } from '../services/access/auth/trust';
import { sweepAuditRetention } from '../services/audit/retention';
import { openCliStore } from './cli-store';

async function main(): Promise<number> {
  const config = loadConfig();
  const key = loadSigningKey(config.HUB_KEYS_DIR, HUB_TOKEN_SERVICE_KEY_NAME);
  if (!key) throw new Error(`no hub key in ${config.HUB_KEYS_DIR} (${HUB_TOKEN_SERVICE_KEY_NAME}.pem)`);
  const cli = await openCliStore();
  const { store, sharedWithRunningHub } = cli;
  try {
    if (sharedWithRunningHub && !process.argv.includes('--force')) {
      throw new Error('a hub is running on this embedded store: it runs the sweep itself daily (or use --force)');
    }
    const r = await sweepAuditRetention(store, {
      now: new Date(),
      years: config.HUB_AUDIT_RETENTION_YEARS,
      key,
      issuer: config.HUB_ISSUER,
    });
    process.stdout.write(`records written before ${r.cutoff.toISOString()} expire\n`);
    for (const c of r.chains) {
      const status = c.problem ? `NOT SWEPT: ${c.problem}` : `${c.removed} removed (checkpoint ${c.checkpoint ?? '-'})`;
      process.stdout.write(`chain ${c.chain}: ${status}\n`);
    }
    process.stdout.write(`access-log documents removed (entries, old buckets): ${r.accessLogBuckets}\n`);
    return r.chains.some((c) => c.problem) ? 1 : 0;
  } finally {
    await cli.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`audit:retention: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
