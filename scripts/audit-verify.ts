/**
 * Verifies the audit hash chains and reports the first broken link of each:
 *
 *   npm run audit:verify [-- --chain <id>] [--jwks <URL or file>]
 *
 * A chain whose old records retention removed is verified from its latest checkpoint, once every
 * checkpoint's signature holds against the hub's public keys: `--jwks` (the hub's published
 * `/.well-known/jwks.json`, or a file), else the hub key in HUB_KEYS_DIR (default `.keys`).
 *
 * Store: MONGODB_URI; when unset, the embedded store of a running hub on
 * 127.0.0.1:${HUB_LOCALDB_PORT ?? 27018}; when none is running, starts the embedded store
 * on HUB_DATA_DIR (default .data/localdb) for the duration of the run. Database
 * prefix: HUB_DB_PREFIX (default "").
 *
 * Exit code: 0 when every chain verifies, 1 when one is broken, 2 on an error.
 */
import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { openCliStore } from './cli-store';
import { verifyAuditChain } from '../services/audit/verify';
import { loadSigningKey } from '../services/access/auth/keys';
import { HUB_TOKEN_SERVICE_KEY_NAME } from '../services/access/auth/trust';
import { keysOfJwks } from '../services/rights/statements';

function parseArgs(argv: string[]): { chain?: string; jwks?: string } {
  const out: { chain?: string; jwks?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--chain') out.chain = argv[++i];
    else if (a.startsWith('--chain=')) out.chain = a.slice('--chain='.length);
    else if (a === '--jwks') out.jwks = argv[++i];
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run audit:verify [-- --chain <id>] [--jwks <URL or file>]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

/** The hub's public keys, by kid: from `--jwks`, else from the key in HUB_KEYS_DIR. */
async function hubKeys(jwks: string | undefined): Promise<Map<string, KeyObject>> {
  if (jwks) {
    const doc: unknown = /^https?:\/\//.test(jwks)
      ? await fetch(jwks).then((r) => r.json())
      : JSON.parse(readFileSync(jwks, 'utf8'));
    return keysOfJwks(doc);
  }
  const key = loadSigningKey(process.env.HUB_KEYS_DIR || '.keys', HUB_TOKEN_SERVICE_KEY_NAME);
  return new Map(key ? [[key.kid, key.publicKey]] : []);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const keys = await hubKeys(args.jwks);
  const cli = await openCliStore();
  const { store } = cli;
  try {
    const result = await verifyAuditChain(store, { chain: args.chain, keys });
    if (result.chains.length === 0) {
      process.stdout.write(args.chain ? `chain ${args.chain}: no audit records\n` : 'no audit records\n');
    }
    let total = 0;
    for (const c of result.chains) {
      total += c.records;
      const status = c.firstBrokenSeq === undefined ? 'OK' : `BROKEN at seq ${c.firstBrokenSeq}: ${c.problem}`;
      const removed = c.removedThrough ? ` (seqs 1..${c.removedThrough} removed by retention, checkpointed)` : '';
      process.stdout.write(`chain ${c.chain}: ${c.records} records${removed}, ${status}\n`);
    }
    if (result.chains.length > 1) {
      const broken = result.chains.filter((c) => c.firstBrokenSeq !== undefined).length;
      process.stdout.write(
        `${result.chains.length} chains, ${total} records, ${broken ? `${broken} BROKEN` : 'all OK'}\n`,
      );
    }
    return result.ok ? 0 : 1;
  } finally {
    await cli.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`audit:verify: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
