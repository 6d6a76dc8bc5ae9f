/**
 * Seeds the mock sources:
 *
 *   npm run seed -- --citizens 100000 --seed 1 [--rates FORMAT_ONLY=0.02,MISMATCH=0.01] [--prefix t_]
 *
 * Uses MONGODB_URI; when it is unset, starts the embedded store (HUB_DATA_DIR,
 * default .data/localdb, on a free port) for the duration of the run.
 */
import { startLocalDb, type LocalDb } from '../store/localdb';
import { Store } from '../store/connection';
import { DEFECT_KINDS, type DefectKind } from '../mockdata/seed-meta';
import { DEMO_MALFORMED_RATE } from '../mockdata/generator/defects';
import { DEFAULT_DEFECT_RATES, SEED_TARGETS, seed } from '../mockdata/seed/index';

const SEED_KEYS = Object.keys(SEED_TARGETS) as Array<keyof typeof SEED_TARGETS>;

interface Args {
  citizens: number;
  seed: number;
  rates: Partial<Record<DefectKind, number>>;
  prefix: string;
}

const USAGE = 'usage: npm run seed -- --citizens N --seed S [--rates KIND=RATE,...] [--prefix P]';

function parseArgs(argv: string[]): Args {
  // The demo's share of unreadable records (MALFORMED), like `npm start`; --rates MALFORMED=0 for none.
  const args: Args = {
    citizens: 10_000,
    seed: 1,
    rates: { MALFORMED: DEMO_MALFORMED_RATE },
    prefix: process.env.HUB_DB_PREFIX ?? '',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.includes('=') && a.startsWith('--')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--citizens': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0) throw new Error(`--citizens must be a non-negative integer\n${USAGE}`);
        args.citizens = n;
        break;
      }
      case '--seed': {
        const n = Number(value());
        if (!Number.isInteger(n)) throw new Error(`--seed must be an integer\n${USAGE}`);
        args.seed = n;
        break;
      }
      case '--rates':
        for (const part of value().split(',').filter(Boolean)) {
          const [k, v] = part.split('=');
          if (!DEFECT_KINDS.includes(k as DefectKind))
            throw new Error(`unknown defect kind ${k} (known: ${DEFECT_KINDS.join(', ')})`);
          const rate = Number(v);
          if (!(rate >= 0 && rate <= 1)) throw new Error(`rate of ${k} must be in [0, 1]`);
          args.rates[k as DefectKind] = rate;
        }
        break;
      case '--prefix': {
        const p = value();
        if (!/^[A-Za-z0-9_]*$/.test(p)) throw new Error('--prefix may hold only letters, digits and _');
        args.prefix = p;
        break;
      }
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${a}\n${USAGE}`);
    }
  }
  return args;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c < r.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let local: LocalDb | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    const dataDir = process.env.HUB_DATA_DIR ?? '.data/localdb';
    process.stderr.write(`MONGODB_URI is not set: starting the embedded store in ${dataDir}\n`);
    local = await startLocalDb({ dataDir, port: 0 });
    uri = local.uri;
  }
  const store = await Store.connect({ uri, dbPrefix: args.prefix });
  try {
    const rates = { ...DEFAULT_DEFECT_RATES, ...args.rates };
    process.stdout.write(
      `seeding ${args.citizens} citizens, seed ${args.seed}, prefix "${args.prefix}"${store.isFerretDb ? ' (FerretDB)' : ''}\n` +
        `defect rates: ${Object.entries(rates)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}\n`,
    );
    const t0 = Date.now();
    const manifest = await seed(store, {
      citizens: args.citizens,
      seed: args.seed,
      rates: args.rates,
      log: (m) => process.stdout.write(m + '\n'),
    });
    const secs = (Date.now() - t0) / 1000;
    const total = Object.values(manifest.counts).reduce((s, n) => s + n, 0);
    const rows = [
      ['database', 'collection', 'documents'],
      ...SEED_KEYS.map((k) => {
        const [db, col] = SEED_TARGETS[k];
        return [args.prefix + db, col, String(manifest.counts[col] ?? 0)];
      }),
      ['total', '', String(total)],
    ];
    process.stdout.write('\n' + table(rows) + '\n\n');
    process.stdout.write(`elapsed ${secs.toFixed(1)} s, ${Math.round(total / secs)} docs/s\n`);
  } finally {
    await store.close();
    await local?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
