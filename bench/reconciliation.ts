/**
 * Reconciliation at scale (issue 5): speed and accuracy against the generator's ground truth.
 * `npm run bench:recon [-- --citizens N --seed S --concurrency C (0: all) --reseed --data-dir D --write]`,
 * and the `reconciliation` section of `npm run bench`.
 *
 * Seeds its own databases (prefix `benchrecon_`; skipped when they already hold a seeding of
 * the same citizens/seed, unless `--reseed`), then, in this order:
 * 1. (not timed) indexes the population once with {@link PopulationIndex}, as a run does, to know
 *    which provinces have citizens and which area each ground-truth row belongs to;
 * 2. **raw scan**, before the runs: the five collections (population + the four other sources of
 *    `SOURCES`) each read fully with `find({}, {batchSize: 1000})`, all five in parallel, only
 *    counting documents (no processing);
 * 3. drops `hub.reconFindings` / `hub.reconRuns`, then runs {@link ReconciliationRunner} for
 *    every province that has citizens (`today` = `REFERENCE_TODAY`), `--concurrency` runs at a
 *    time (default 0: all at once, measured faster than one after another on 2 cores: 33 runs
 *    over 3,000 citizens took 169 s at once vs 277 s one after another); the time is the wall
 *    time from the first start to the last DONE;
 * 4. scores every finding against every ground-truth row (`hub.seedDefects`, same `_id`), per
 *    kind, and counts FORMAT_ONLY ground-truth rows reported as MISMATCH (must be 0).
 *
 * Ground-truth rows outside every run's reach (an orphan keyed by something other than a
 * 12-digit personal ID has no area; a row whose area is a province without citizens) cannot be
 * found by any run: they are counted separately (`out_of_reach`, per kind and in total) and left
 * out of recall, which is over the rows within reach (`recall_all` is over every row).
 *
 * Every run reads the whole population and the four sources whatever its area (run-loop.ts), so the
 * runs read `runs` × the documents; `citizens_per_s` = seeded citizens / total run time and
 * `raw_scan_per_s` = seeded citizens / raw scan time (both also in documents of the five
 * collections per second: `docs_per_s`, `raw_scan_docs_per_s`).
 *
 * Standalone, it uses MONGODB_URI when set, else starts the embedded store on a data folder kept
 * between runs (default `.data/bench-recon`, git-ignored) so that the seeding is reused, and stops
 * it at the end. It prints the figures; `--write` also merges them into
 * bench/results/latest.json as `reconciliation`.
 */
import { mergeResults, seedOrReuse, seedSeconds, withStandaloneStore } from './common';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { Document } from 'mongodb';
import { REFERENCE_TODAY } from '../mockdata/generator/dates';
import type { CongDanDoc } from '../connectors/population/model';
import { SOURCES, SOURCE_NAMES } from '../connectors/registry';
import { areaOfFinding } from '../services/reconciliation/finding-areas';
import {
  RECON_CASES_COLLECTION,
  RECON_CASE_EVENTS_COLLECTION,
  RECON_CASE_INDEX_COLLECTION,
  type Finding,
  RECON_FINDINGS_COLLECTION,
  NATIONAL,
  RECON_STATS_COLLECTION,
  RECON_RUNS_COLLECTION,
  type RunDoc,
} from '../services/reconciliation/model';
import { PopulationIndex } from '../services/reconciliation/population-index';
import { ReconciliationRunner } from '../services/reconciliation/runs';
import { Store } from '../store/connection';
import { RECON_RUN_STATE_COLLECTION } from '../services/reconciliation/run-state';
import { DEFECT_KINDS, SEED_DEFECTS_COLLECTION, type DefectKind, type SeedDefectDoc } from '../mockdata/seed-meta';

export const RECON_PREFIX = 'benchrecon_';
const SCAN_BATCH = 1000;

export interface ReconBenchOptions {
  /** mongodb:// URI of the store (the bench's embedded one, or MONGODB_URI). */
  uri: string;
  citizens: number;
  seed: number;
  /** Runs at a time (1: one after another; 0 or ≥ the number of provinces: all at once). Default 0. */
  concurrency?: number;
  /** One national run (default) instead of one run per province (each reads every collection). */
  national?: boolean;
  /** Seed even when the prefix already holds the same seeding. Default false. */
  reseed?: boolean;
  /** Progress lines. Default console.log. */
  log?: (msg: string) => void;
}

export interface KindScore {
  /** Findings of the kind that are in the ground truth / findings of the kind (null: none). */
  precision: number | null;
  /** Ground-truth rows within reach found / rows within reach (null: none). */
  recall: number | null;
  /** Ground-truth rows found / all ground-truth rows of the kind (null: none). */
  recall_all: number | null;
  findings: number;
  true_positives: number;
  truth: number;
  out_of_reach: number;
}

export interface ReconBenchResult {
  citizens: number;
  citizens_per_s: number;
  raw_scan_per_s: number;
  /** citizens_per_s / raw_scan_per_s. */
  ratio: number;
  docs_per_s: number;
  raw_scan_docs_per_s: number;
  /** Documents in the five collections (counted by the raw scan), per collection. */
  documents: number;
  documents_by_collection: Record<string, number>;
  run_s: number;
  raw_scan_s: number;
  raw_scan: string;
  runs: number;
  concurrency: number;
  /** Documents read by all the runs together, per second of run time. */
  runs_docs_read_per_s: number;
  findings: number;
  ground_truth: number;
  out_of_reach: number;
  format_only_as_mismatch: number;
  seed_s: number;
  /** The same runs again over unchanged data, one after another: wall time and what they wrote. */
  rerun_s: number;
  rerun_writes: { findings: number; unchanged: number; index: number; stats: number };
  by_kind: Record<DefectKind, KindScore>;
}

/** MALFORMED records per record of each source (the other kinds: the generator's default rates). */
const MALFORMED_RATE = 0.002;

const ratio = (a: number, b: number): number | null => (b > 0 ? +(a / b).toFixed(4) : null);

export async function benchReconciliation(opts: ReconBenchOptions): Promise<ReconBenchResult> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const store = await Store.connect({ uri: opts.uri, dbPrefix: RECON_PREFIX, maxPoolSize: 64 });
  try {
    // Malformed records too (0 by default in the generator), so that MALFORMED is scored.
    const manifest = await seedOrReuse(store, { ...opts, rates: { MALFORMED: MALFORMED_RATE } }, 'recon', log);
    const seedS = seedSeconds(manifest);
    const { index, provinces } = await indexPopulation(store, log);
    const scan = await rawScan(store, log);

    const national = opts.national !== false;
    const areas = national ? [NATIONAL] : [...provinces].sort();
    const concurrency = Math.max(1, Math.min(opts.concurrency || areas.length, areas.length));
    const { done, runS, docsRead } = await runAll(store, areas, concurrency, national, log);
    const { rerunS, rerunWrites } = await runAgain(store, areas, log);
    const accuracy = await score(store, index, { national, provinces });
    if (accuracy.formatAsMismatch > 0) {
      log(`recon: WARNING ${accuracy.formatAsMismatch} FORMAT_ONLY rows reported as MISMATCH`);
    }

    const citizensPerS = opts.citizens / runS;
    const rawPerS = opts.citizens / scan.rawScanS;
    return {
      citizens: opts.citizens,
      citizens_per_s: Math.round(citizensPerS),
      raw_scan_per_s: Math.round(rawPerS),
      ratio: +(citizensPerS / rawPerS).toFixed(3),
      docs_per_s: Math.round(scan.documents / runS),
      raw_scan_docs_per_s: Math.round(scan.documents / scan.rawScanS),
      documents: scan.documents,
      documents_by_collection: scan.byCollection,
      run_s: +runS.toFixed(1),
      raw_scan_s: +scan.rawScanS.toFixed(1),
      raw_scan: 'before the runs; the five collections in parallel, find({}, {batchSize: 1000}), counting only',
      runs: done.length,
      concurrency,
      runs_docs_read_per_s: Math.round(docsRead / runS),
      findings: accuracy.found,
      ground_truth: accuracy.truth,
      out_of_reach: accuracy.outOfReach,
      format_only_as_mismatch: accuracy.formatAsMismatch,
      seed_s: seedS,
      rerun_s: Math.round(rerunS * 10) / 10,
      rerun_writes: rerunWrites,
      by_kind: accuracy.byKind,
    };
  } finally {
    await store.close();
  }
}

/** 1. (not timed) the population index: provinces with citizens, areas of the truth. */
async function indexPopulation(
  store: Store,
  log: (m: string) => void,
): Promise<{ index: PopulationIndex; provinces: Set<string> }> {
  const tIndex = performance.now();
  const index = new PopulationIndex({ today: REFERENCE_TODAY });
  const pop = store.db(SOURCES.population.db).collection<CongDanDoc>(SOURCES.population.collection);
  for await (const p of pop.find({}, { batchSize: SCAN_BATCH })) index.add(p);
  const provinces = new Set<string>();
  for (let i = 0; i < index.size; i++) {
    const a = index.areaOf(index.idOf(i));
    if (a) provinces.add(a.province);
  }
  log(
    `recon: ${index.size} population records in ${provinces.size} provinces ` +
      `(indexed in ${((performance.now() - tIndex) / 1000).toFixed(1)} s, not timed)`,
  );
  return { index, provinces };
}

/** 2. Raw scan, before the runs: the five collections in parallel, counting only. */
async function rawScan(
  store: Store,
  log: (m: string) => void,
): Promise<{ rawScanS: number; byCollection: Record<string, number>; documents: number }> {
  log(`recon: raw scan of ${SOURCE_NAMES.length} collections (in parallel, batches of ${SCAN_BATCH})...`);
  const tScan = performance.now();
  const counts = await Promise.all(
    SOURCE_NAMES.map(async (s) => {
      let n = 0;
      const col = store.db(SOURCES[s].db).collection<Document>(SOURCES[s].collection);
      for await (const doc of col.find({}, { batchSize: SCAN_BATCH })) if (doc) n++;
      return n;
    }),
  );
  const rawScanS = (performance.now() - tScan) / 1000;
  const byCollection = Object.fromEntries(SOURCE_NAMES.map((s, i) => [SOURCES[s].collection, counts[i]]));
  const documents = counts.reduce((a, b) => a + b, 0);
  log(`recon: raw scan ${documents} documents in ${rawScanS.toFixed(1)} s`);
  return { rawScanS, byCollection, documents };
}

/** 3. The runs, on emptied reconciliation collections, `concurrency` at a time. */
async function runAll(
  store: Store,
  areas: string[],
  concurrency: number,
  national: boolean,
  log: (m: string) => void,
): Promise<{ done: RunDoc[]; runS: number; docsRead: number }> {
  for (const c of [
    RECON_FINDINGS_COLLECTION,
    RECON_RUNS_COLLECTION,
    RECON_CASES_COLLECTION,
    RECON_CASE_EVENTS_COLLECTION,
    RECON_CASE_INDEX_COLLECTION,
    RECON_STATS_COLLECTION,
    RECON_RUN_STATE_COLLECTION,
  ]) {
    await store.hubDb
      .collection(c)
      .drop()
      .catch(() => undefined);
  }
  const runner = new ReconciliationRunner({
    store,
    logger: pino({ level: process.env.RECON_LOG ?? 'warn' }),
    today: () => REFERENCE_TODAY,
  });
  log(`recon: ${national ? 'one national run' : `${areas.length} province runs, ${concurrency} at a time`}...`);
  const done: RunDoc[] = [];
  const queue = [...areas];
  const tRuns = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let province = queue.shift(); province !== undefined; province = queue.shift()) {
          const started = await runner.start({ province }, 'bench');
          await runner.wait(started._id);
          const run = await runner.get(started._id);
          if (run?.status !== 'DONE') {
            throw new Error(`run ${started._id} (${province}) ended ${run?.status}: ${run?.error ?? ''}`);
          }
          done.push(run);
        }
      }),
    );
  } finally {
    await runner.close();
  }
  const runS = (performance.now() - tRuns) / 1000;
  const docsRead = done.reduce((s, r) => s + r.progress.processed, 0);
  log(`recon: ${done.length} runs in ${runS.toFixed(1)} s (${docsRead} documents read)`);
  return { done, runS, docsRead };
}

/** 3b. The same runs again over the same data: idempotent in cost (writes almost nothing). */
async function runAgain(
  store: Store,
  areas: string[],
  log: (m: string) => void,
): Promise<{ rerunS: number; rerunWrites: ReconBenchResult['rerun_writes'] }> {
  const again = new ReconciliationRunner({ store, logger: pino({ level: 'warn' }), today: () => REFERENCE_TODAY });
  const tRerun = performance.now();
  const rerunWrites = { findings: 0, unchanged: 0, index: 0, stats: 0 };
  try {
    for (const province of areas) {
      const started = await again.start({ province }, 'bench');
      await again.wait(started._id);
      const run = await again.get(started._id);
      if (run?.status !== 'DONE') throw new Error(`re-run ${started._id} ended ${run?.status}: ${run?.error ?? ''}`);
      for (const k of Object.keys(rerunWrites) as Array<keyof typeof rerunWrites>) {
        rerunWrites[k] += run.writes?.[k] ?? 0;
      }
    }
  } finally {
    await again.close();
  }
  const rerunS = (performance.now() - tRerun) / 1000;
  log(`recon: re-run in ${rerunS.toFixed(1)} s, writes ${JSON.stringify(rerunWrites)}`);
  return { rerunS, rerunWrites };
}

/** 4. Accuracy: every finding against every ground-truth row, per kind. */
async function score(
  store: Store,
  index: PopulationIndex,
  scope: { national: boolean; provinces: Set<string> },
): Promise<{
  found: number;
  truth: number;
  outOfReach: number;
  formatAsMismatch: number;
  byKind: Record<DefectKind, KindScore>;
}> {
  const found = new Set<string>();
  for await (const f of store.hubDb
    .collection<{ _id: string }>(RECON_FINDINGS_COLLECTION)
    .find({}, { projection: { _id: 1 }, batchSize: SCAN_BATCH })) {
    found.add(f._id);
  }
  const truth = await store.hubDb
    .collection<SeedDefectDoc>(SEED_DEFECTS_COLLECTION)
    .find({}, { batchSize: SCAN_BATCH })
    .toArray();
  const truthIds = new Set(truth.map((t) => t._id));
  const kindOf = (id: string): DefectKind => id.split(':')[2] as DefectKind;
  const score = Object.fromEntries(
    DEFECT_KINDS.map((k) => [k, { findings: 0, tp: 0, truth: 0, inReach: 0, foundInReach: 0, out: 0 }]),
  ) as Record<
    DefectKind,
    { findings: number; tp: number; truth: number; inReach: number; foundInReach: number; out: number }
  >;
  for (const id of found) {
    const s = score[kindOf(id)];
    s.findings++;
    if (truthIds.has(id)) s.tp++;
  }
  let formatAsMismatch = 0;
  for (const t of truth) {
    const s = score[t.kind];
    s.truth++;
    const area = areaOfFinding(t as unknown as Finding, index);
    const reach = scope.national || (area.province !== null && scope.provinces.has(area.province));
    if (reach) {
      s.inReach++;
      if (found.has(t._id)) s.foundInReach++;
    } else s.out++;
    if (t.kind === 'FORMAT_ONLY' && found.has(`${t.source}:${t.recordKey}:MISMATCH:${t.field ?? ''}`)) {
      formatAsMismatch++;
    }
  }
  const byKind = Object.fromEntries(
    DEFECT_KINDS.map((k) => {
      const s = score[k];
      const foundAll = truth.filter((t) => t.kind === k && found.has(t._id)).length;
      return [
        k,
        {
          precision: ratio(s.tp, s.findings),
          recall: ratio(s.foundInReach, s.inReach),
          recall_all: ratio(foundAll, s.truth),
          findings: s.findings,
          true_positives: s.tp,
          truth: s.truth,
          out_of_reach: s.out,
        },
      ];
    }),
  ) as Record<DefectKind, KindScore>;
  const outOfReach = DEFECT_KINDS.reduce((n, k) => n + score[k].out, 0);
  return { found: found.size, truth: truth.length, outOfReach, formatAsMismatch, byKind };
}

/** The `reconciliation` member of bench/results/latest.json (headline figures first). */
export function reconciliationJson(r: ReconBenchResult): Record<string, unknown> {
  return { ...r };
}

/** The printed accuracy table, one row per kind. */
export function reconciliationTable(r: ReconBenchResult): Array<Record<string, unknown>> {
  return DEFECT_KINDS.map((k) => {
    const s = r.by_kind[k];
    return {
      kind: k,
      precision: s.precision ?? '',
      recall: s.recall ?? '',
      recall_all: s.recall_all ?? '',
      findings: s.findings,
      truth: s.truth,
      out_of_reach: s.out_of_reach,
    };
  });
}

/** The printed speed summary. */
export function reconciliationSummary(r: ReconBenchResult): string {
  return (
    `reconciliation: ${r.citizens} citizens (${r.documents} documents), ${r.runs === 1 ? 'one national run' : `${r.runs} province runs`} ` +
    `${r.concurrency} at a time in ${r.run_s} s = ${r.citizens_per_s} citizens/s (${r.docs_per_s} docs/s; ` +
    `${r.runs_docs_read_per_s} docs read/s by the runs together); raw scan (${r.raw_scan}) ${r.raw_scan_s} s = ` +
    `${r.raw_scan_per_s} citizens/s (${r.raw_scan_docs_per_s} docs/s); ratio ${r.ratio}; ` +
    `${r.findings} findings, ${r.ground_truth} ground-truth rows of which ${r.out_of_reach} outside every run's ` +
    `reach; FORMAT_ONLY reported as MISMATCH: ${r.format_only_as_mismatch}; re-run over the same data ` +
    `${r.rerun_s} s, writing ${r.rerun_writes.findings} findings (${r.rerun_writes.unchanged} unchanged), ` +
    `${r.rerun_writes.index} case-index and ${r.rerun_writes.stats} figure documents`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      citizens: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '0' },
      provinces: { type: 'boolean', default: false },
      reseed: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: '.data/bench-recon' },
      write: { type: 'boolean', default: false },
    },
  });
  await withStandaloneStore(values['data-dir'], async (uri) => {
    const r = await benchReconciliation({
      uri,
      citizens: Number(values.citizens),
      seed: Number(values.seed),
      concurrency: Number(values.concurrency),
      national: !values.provinces,
      reseed: values.reseed,
    });
    console.log(`\n${reconciliationSummary(r)}`);
    console.table(reconciliationTable(r));
    console.log(JSON.stringify(r));
    if (values.write) mergeResults('reconciliation', reconciliationJson(r));
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
