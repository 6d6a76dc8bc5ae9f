/**
 * Prints seeded personal IDs, one per line, from the hub's accounts.
 *
 *   npm run -s citizens:sample -- [--level 1|2] [--status ACTIVE] [--count N]
 *
 * Store: MONGODB_URI; when unset, the embedded store on HUB_LOCALDB_PORT (default
 * 27018) with data dir HUB_DATA_DIR (default .data/localdb): if something already
 * answers on that port (a running hub), it is used; otherwise the store is started
 * for the duration of the command. Database prefix HUB_DB_PREFIX (default "").
 */
import { openCliStore } from './cli-store';
import { Store } from '../store/connection';
import { ACCOUNTS_COLLECTION, ACCOUNT_STATUSES as STATUSES, type AccountStatus } from '../services/accounts/store';
import { SEED_DEFECTS_COLLECTION, type SeedDefectDoc } from '../mockdata/seed-meta';

const USAGE = `usage: npm run -s citizens:sample -- [--level 1|2] [--status ${STATUSES.join('|')}] [--count N]`;

export interface SampleQuery {
  level?: 1 | 2;
  status?: AccountStatus;
  count: number;
}

export function parseArgs(argv: string[]): SampleQuery {
  const q: SampleQuery = { count: 10 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value\n${USAGE}`);
    if (name === '--level') {
      if (value !== '1' && value !== '2') throw new Error('--level must be 1 or 2');
      q.level = Number(value) as 1 | 2;
    } else if (name === '--status') {
      if (!STATUSES.includes(value as AccountStatus)) throw new Error(`--status must be one of ${STATUSES.join(', ')}`);
      q.status = value as AccountStatus;
    } else if (name === '--count') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 100_000)
        throw new Error('--count must be an integer between 1 and 100000');
      q.count = n;
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  return q;
}

/**
 * Personal IDs of accounts matching the query, in `_id` order. Citizens with a record the seed
 * made unreadable (a MALFORMED defect in its ground truth) are left out: a sample is for trying
 * the API on clean papers (an unreadable field is answered null with SOURCE_DATA_INVALID).
 */
export async function sampleCitizens(store: Store, q: SampleQuery): Promise<string[]> {
  const malformed = await store.hubDb
    .collection<SeedDefectDoc>(SEED_DEFECTS_COLLECTION)
    .find({ kind: 'MALFORMED' }, { projection: { personalId: 1 } })
    .toArray();
  const skip = [...new Set(malformed.map((d) => d.personalId).filter((id): id is string => !!id))];
  const filter: Record<string, unknown> = skip.length ? { _id: { $nin: skip } } : {};
  if (q.level !== undefined) filter.level = q.level;
  if (q.status !== undefined) filter.status = q.status;
  const docs = await store.hubDb
    .collection<{ _id: string }>(ACCOUNTS_COLLECTION)
    .find(filter, { projection: { _id: 1 } })
    .sort({ _id: 1 })
    .limit(q.count)
    .toArray();
  return docs.map((d) => d._id);
}

async function main(): Promise<void> {
  const q = parseArgs(process.argv.slice(2));
  const cli = await openCliStore({ maxPoolSize: 2 });
  try {
    const ids = await sampleCitizens(cli.store, q);
    if (ids.length === 0)
      process.stderr.write('citizens:sample: no matching accounts (has the store been seeded? npm run seed)\n');
    if (ids.length > 0) process.stdout.write(ids.join('\n') + '\n');
  } finally {
    await cli.close();
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`citizens:sample: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
