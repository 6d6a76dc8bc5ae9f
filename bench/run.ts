/**
 * `npm run bench [-- --citizens N --duration S --connections C]`
 *
 * Seeds its own data set (databases prefixed `bench_`, on the embedded store in a
 * temporary directory unless MONGODB_URI is set), then measures and prints:
 * - batching: source batch calls and store commands per request for 1, 10, 100
 *   citizens, with each lookup strategy;
 * - throughput: the single-citizen all-papers query through the hub vs a bare
 *   node:http baseline doing the same store reads (same run, same store), in alternating slices
 *   (bench/throughput.ts: `paired`);
 * - policy: the same query by each citizen about themself with tokens, the disclosure policy and
 *   the audit (on) vs the development mode (off), both hubs up, in alternating slices, `--rounds`
 *   times (default 3; the median round kept);
 * - reports: the working groups' account reports and work lists on their own seeding of
 *   `--report-citizens` (default 165000, about 100,000 accounts; bench/reports.ts), unless
 *   `--skip-reports`;
 * - resilience (bench/resilience.ts): `fanout` (five sources at 20 ms each), `degraded` (one source
 *   hanging) and `soak` (300 s at half the measured maximum; 20 s with `--short`; and its floor,
 *   the bare baseline at the same rates), unless
 *   `--skip-resilience`;
 * - reconciliation: province runs over their own seeding of `--recon-citizens` (default 100000;
 *   bench/reconciliation.ts), their speed against a raw cursor scan of the same collections and
 *   their accuracy against the ground truth (`--recon-concurrency` runs at a time, default 0: all
 *   at once), unless `--skip-recon`;
 * and merges the figures into bench/results/latest.json.
 *
 * `--only policy,throughput` runs those sections alone (batching, throughput, policy, resilience,
 * reports, recon); `--rounds N` measures policy on/off N times (default 3; the median kept);
 * `--soak-duration S` sets the resilience soak's length.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { RESULTS } from './common';
import { loadConfig } from '../hub/config';
import { startLocalDb, type LocalDb } from '../store/localdb';
import { startHub, type RunningHub } from '../hub/server';
import { Store, type LookupStrategy } from '../store/connection';
import { seed } from '../mockdata/seed/index';
import { SOURCES, SOURCE_NAMES } from '../connectors/registry';
import { CITIZENS_ALL_PAPERS, CITIZEN_ALL_PAPERS } from '../test/support/queries';
import { benchPolicy, benchThroughput } from './throughput';
import { benchReports, reportsJson, reportsTable } from './reports';
import { benchResilience, resilienceTable, type ResilienceRun } from './resilience';
import { benchReconciliation, reconciliationJson, reconciliationSummary, reconciliationTable } from './reconciliation';

const PREFIX = 'bench_';
const SILENT = pino({ level: 'silent' });
const LOCAL = { port: 0, host: '127.0.0.1' };
const SECTIONS = ['batching', 'throughput', 'policy', 'resilience', 'reports', 'recon'];

function table(title: string, rows: Array<Record<string, unknown>>): void {
  console.log(`\n${title}`);
  console.table(rows);
}

function options() {
  return parseArgs({
    options: {
      citizens: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '7' },
      duration: { type: 'string', default: '15' },
      connections: { type: 'string', default: '16' },
      'report-citizens': { type: 'string' },
      'skip-reports': { type: 'boolean', default: false },
      'recon-citizens': { type: 'string' },
      'recon-concurrency': { type: 'string' },
      'skip-recon': { type: 'boolean', default: false },
      'skip-resilience': { type: 'boolean', default: false },
      /** Short resilience section (20 s soak instead of 300 s): for CI and quick checks. */
      short: { type: 'boolean', default: false },
      /** Only these sections (comma-separated: batching, throughput, policy, resilience, reports, recon). */
      only: { type: 'string' },
      /** Seconds of the resilience soak (default 300; 20 with --short). */
      'soak-duration': { type: 'string' },
      /** Policy on/off: measured this many times (the median ratio is kept). */
      rounds: { type: 'string', default: '3' },
    },
  }).values;
}

type Options = ReturnType<typeof options>;

/** Whether a section runs: the `--only` list when given, else all but the `--skip-*` ones. */
function sectionFilter(values: Options): (section: string, skipped?: boolean) => boolean {
  const only = values.only ? new Set(values.only.split(',').map((x) => x.trim())) : null;
  const unknown = [...(only ?? [])].filter((x) => !SECTIONS.includes(x));
  if (unknown.length) throw new Error(`--only: unknown sections ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
  return (section, skipped = false) => (only ? only.has(section) : !skipped);
}

/** What every section measures with: the store, the seeded IDs, the load's shape. */
interface Bench {
  uri: string;
  store: Store;
  storeKind: string;
  ids: string[];
  /** The hubs' environment: one caller (one IP, or a few tokens), so no rate limits. */
  baseEnv: Record<string, string>;
  connections: number;
  durationS: number;
}

async function main(): Promise<void> {
  const values = options();
  const run = sectionFilter(values);
  const citizens = Number(values.citizens);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds takes a positive whole number, not ${values.rounds}`);

  let localDb: LocalDb | undefined;
  let dataDir: string | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-store-'));
    localDb = await startLocalDb({ dataDir, port: 0 });
    uri = localDb.uri;
  }
  const store = await Store.connect({ uri, dbPrefix: PREFIX, maxPoolSize: 64 });
  const storeKind = store.isFerretDb ? 'FerretDB (embedded, SQLite)' : 'MongoDB';
  try {
    console.log(`store: ${storeKind}; seeding ${citizens} citizens...`);
    const t0 = Date.now();
    await seed(store, { citizens, seed: Number(values.seed) });
    const seedS = (Date.now() - t0) / 1000;
    console.log(`seeded in ${seedS.toFixed(1)} s`);

    const ids = (
      await store
        .db('pop')
        .collection('congDan')
        .find({}, { projection: { _id: 1 } })
        .limit(2000)
        .toArray()
    ).map((d) => String(d._id));

    const bench: Bench = {
      uri,
      store,
      storeKind,
      ids,
      baseEnv: {
        NODE_ENV: 'development',
        MONGODB_URI: uri,
        HUB_DB_PREFIX: PREFIX,
        LOG_LEVEL: 'silent',
        HUB_RATE_LIMITS: 'off',
      },
      connections: Number(values.connections),
      durationS: Number(values.duration),
    };
    const config = loadConfig({
      ...bench.baseEnv,
      HUB_AUTH: 'off',
      // `$in` on FerretDB scans whole collections; give the batching table room to show it.
      HUB_SOURCE_TIMEOUT_MS: '120000',
      HUB_REQUEST_DEADLINE_MS: '180000',
    });
    const hub = await startHub({ config, store, logger: SILENT }, LOCAL);
    const { batching, byStrategy } = run('batching')
      ? await benchBatching(bench, hub)
      : { batching: [], byStrategy: [] };
    const bodies = ids.slice(0, 1000).map((id) => JSON.stringify({ query: CITIZEN_ALL_PAPERS, variables: { id } }));
    const { baseEnv, connections, durationS } = bench;
    const throughput = run('throughput')
      ? await benchThroughput({ hubUrl: hub.url, store, bodies, connections, durationS })
      : undefined;
    await hub.stop();
    const policy = run('policy')
      ? await benchPolicy({ store, env: baseEnv, connections, durationS, rounds })
      : undefined;
    const sections = await otherSections(values, uri, run);

    const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
    const results = {
      ...previous,
      generatedAt: new Date().toISOString(),
      environment: {
        store: storeKind,
        node: process.version,
        cpus: cpus().length,
        citizens,
        seed_s: +seedS.toFixed(1),
      },
      ...(byStrategy.length ? { batching, batching_by_strategy: byStrategy } : {}),
      ...(throughput ? { throughput } : {}),
      ...(policy ? { policy } : {}),
      ...sections,
    };
    writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
    console.log(`\nwrote ${RESULTS}`);
  } finally {
    for (const name of [...SOURCE_NAMES.map((s) => SOURCES[s].db), 'hub', 'hubindex']) {
      await store
        .db(name)
        .dropDatabase()
        .catch(() => undefined);
    }
    await store.close();
    await localDb?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Batching: source batch calls and store commands per request for 1, 10, 100 citizens, both lookup strategies. */
async function benchBatching(
  { store, storeKind, ids }: Bench,
  hub: RunningHub,
): Promise<{ batching: Array<Record<string, unknown>>; byStrategy: Array<Record<string, unknown>> }> {
  const defaultStrategy = store.lookupStrategy;
  const byStrategy: Array<Record<string, unknown>> = [];
  for (const strategy of ['in', 'parallel'] as LookupStrategy[]) {
    store.lookupStrategy = strategy;
    for (const n of [1, 10, 100]) {
      const body =
        n === 1
          ? { query: CITIZEN_ALL_PAPERS, variables: { id: ids[0] } }
          : { query: CITIZENS_ALL_PAPERS, variables: { ids: ids.slice(0, n) } };
      const samples: number[] = [];
      let sourceCalls = 0;
      let storeCommands = 0;
      for (let i = 0; i < 5; i++) {
        if (samples.length && samples[0] > 1000) break; // slow (a scan): one sample says enough
        const t = performance.now();
        const res = await fetch(`${hub.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const json = (await res.json()) as { errors?: unknown[] };
        if (json.errors) throw new Error(`bench query failed: ${JSON.stringify(json.errors)}`);
        samples.push(performance.now() - t);
        sourceCalls = Number(res.headers.get('x-hub-source-calls'));
        storeCommands = Number(res.headers.get('x-hub-store-commands'));
      }
      samples.sort((a, b) => a - b);
      const median = samples[Math.floor(samples.length / 2)];
      byStrategy.push({
        strategy,
        citizens: n,
        sourceCalls,
        storeCommands,
        samples: samples.length,
        median_ms: +median.toFixed(1),
      });
    }
  }
  store.lookupStrategy = defaultStrategy;
  const batching = byStrategy
    .filter((r) => r.strategy === defaultStrategy)
    .map(({ citizens: c, sourceCalls, storeCommands }) => ({ citizens: c, sourceCalls, storeCommands }));
  table(`Batching per request (default strategy on ${storeKind}: ${defaultStrategy})`, byStrategy);
  return { batching, byStrategy };
}

/** The sections on data sets of their own (or the same one): resilience, reports, reconciliation. */
async function otherSections(
  values: Options,
  uri: string,
  run: (section: string, skipped?: boolean) => boolean,
): Promise<Record<string, unknown>> {
  // --- resilience: fan-out, one source down, soak (same data set) ---------------------------
  let resilience: ResilienceRun | undefined;
  if (run('resilience', values['skip-resilience'])) {
    const soakS = values['soak-duration'] ? Number(values['soak-duration']) : undefined;
    resilience = await benchResilience({ uri, prefix: PREFIX, short: values.short, soakS });
    table('resilience and load', resilienceTable(resilience));
  }

  // --- reports: counters and lists at ~100,000 accounts (own databases, benchrep_) ----------
  let reports: Record<string, number> | undefined;
  if (run('reports', values['skip-reports'])) {
    const r = await benchReports({
      uri,
      citizens: Number(values['report-citizens'] ?? 165000),
      seed: 3,
      samples: 50,
    });
    reports = reportsJson(r);
    table(`reports (${r.accounts} accounts from ${r.citizens} citizens; seeded in ${r.seed_s} s)`, reportsTable(r));
  }

  // --- reconciliation: runs vs a raw scan, accuracy (own databases, benchrecon_) ------------
  let reconciliation: Record<string, unknown> | undefined;
  if (run('recon', values['skip-recon'])) {
    const r = await benchReconciliation({
      uri,
      citizens: Number(values['recon-citizens'] ?? 100000),
      seed: 5,
      concurrency: Number(values['recon-concurrency'] ?? 0), // 0: all provinces at once
    });
    reconciliation = reconciliationJson(r);
    console.log(`\n${reconciliationSummary(r)}`);
    table(`reconciliation accuracy (${r.citizens} citizens; seeded in ${r.seed_s} s)`, reconciliationTable(r));
  }
  return {
    ...(resilience ?? {}),
    ...(reports ? { reports } : {}),
    ...(reconciliation ? { reconciliation } : {}),
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
