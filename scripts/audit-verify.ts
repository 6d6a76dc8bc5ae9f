/**
 * Verifies the audit hash chains and reports the first broken link of each:
 *
 *   npm run audit:verify [-- --chain <id>]
 *
 * Store: MONGODB_URI; when unset, the embedded store of a running hub on
 * 127.0.0.1:${HUB_LOCALDB_PORT ?? 27018}; when none is running, starts the embedded store
 * on HUB_DATA_DIR (default .data/localdb) for the duration of the run. Database
 * prefix: HUB_DB_PREFIX (default "").
 *
 * Exit code: 0 when every chain verifies, 1 when one is broken, 2 on an error.
 */
import { openCliStore } from './cli-store';
import { verifyAuditChain } from '../services/audit/verify';

function parseArgs(argv: string[]): { chain?: string } {
  const out: { chain?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--chain') out.chain = argv[++i];
    else if (a.startsWith('--chain=')) out.chain = a.slice('--chain='.length);
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run audit:verify [-- --chain <id>]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const { store, close } = await openCliStore();
  try {
    const result = await verifyAuditChain(store, args);
    if (result.chains.length === 0) {
      process.stdout.write(args.chain ? `chain ${args.chain}: no audit records\n` : 'no audit records\n');
    }
    let total = 0;
    for (const c of result.chains) {
      total += c.records;
      const status = c.firstBrokenSeq === undefined ? 'OK' : `BROKEN at seq ${c.firstBrokenSeq}: ${c.problem}`;
      process.stdout.write(`chain ${c.chain}: ${c.records} records, ${status}\n`);
    }
    if (result.chains.length > 1) {
      const broken = result.chains.filter((c) => c.firstBrokenSeq !== undefined).length;
      process.stdout.write(
        `${result.chains.length} chains, ${total} records, ${broken ? `${broken} BROKEN` : 'all OK'}\n`,
      );
    }
    return result.ok ? 0 : 1;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`audit:verify: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
