import { expect } from '@jest/globals';
import pino from 'pino';
import { REFERENCE_TODAY } from '../../../mockdata/generator/dates';
import type { CongDanDoc } from '../../../connectors/population/model';
import { SOURCES } from '../../../connectors/registry';
import { seed } from '../../../mockdata/seed/index';
import { CaseService } from '../../../services/reconciliation/cases';
import { areaOfFinding } from '../../../services/reconciliation/finding-areas';
import {
  type Finding,
  RECON_FINDINGS_COLLECTION,
  withinArea,
  type FindingDoc,
  RECON_RUNS_COLLECTION,
  type RunDoc,
} from '../../../services/reconciliation/model';
import { PopulationIndex } from '../../../services/reconciliation/population-index';
import { RECON_RUN_STATE_COLLECTION } from '../../../services/reconciliation/run-state';
import { ReconciliationRunner } from '../../../services/reconciliation/runs';
import { areaStats } from '../../../services/reconciliation/stats';
import { Store } from '../../../store/connection';
import { DEFECT_KINDS, SEED_DEFECTS_COLLECTION, type SeedDefectDoc } from '../../../mockdata/seed-meta';
import { connectTestStore } from '../../support/hub';

/**
 * Reconciliation runs against the store: a province run equals the generator's ground truth for
 * that province, re-running is idempotent, cancellation, resume after a restart, progress.
 * Own data set under `rcr_`.
 */

const CITIZENS = 1500;
const RATES = {
  FORMAT_ONLY: 0.08,
  MISMATCH: 0.05,
  OLD_ID_KEY: 0.1,
  ORPHAN: 0.03,
  DUPLICATE: 0.05,
  DECEASED_ACTIVE: 0.5,
  EXPIRED_ID_CARD: 0.15,
  MALFORMED: 0.03,
};
const logger = pino({ level: process.env.RCR_LOG ?? 'silent' });
let store: Store;
/** Ground truth keys of the chosen province. */
let truth: Map<string, SeedDefectDoc>;
let province: string;
let total: number;
/** A plain cursor scan of the five collections (the index built on the way). */
let rawScan: { ms: number; indexMs: number; docs: number };
const runners: ReconciliationRunner[] = [];

/**
 * A runner; `throttled` (the default) reads 1,500 documents a second at most, so that a run lasts
 * a few seconds whatever the store's speed and can be caught mid-way (cancel, restart).
 */
/** A runner over the test store; `throttled`: documents per second (true: 1,500), false: none. */
function runner(throttled: boolean | number = true): ReconciliationRunner {
  const r = new ReconciliationRunner({
    store,
    logger,
    today: () => REFERENCE_TODAY,
    maxDocsPerS: throttled === true ? 1_500 : throttled === false ? undefined : throttled,
  });
  runners.push(r);
  return r;
}

/** The findings whose latest sighting is the run (the case index: a re-run rewrites no unchanged finding). */
async function findingsOf(runId: string): Promise<Map<string, FindingDoc>> {
  const run = (await store.hubDb.collection<RunDoc>(RECON_RUNS_COLLECTION).findOne({ _id: runId }))!;
  const keys = new Set(await new CaseService({ store, logger }).keysLastSeenBy(run.area, run.createdAt));
  const all = await store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION).find({}).toArray();
  return new Map(all.filter((f) => keys.has(f._id)).map((f) => [f._id, f]));
}

async function until(runId: string, r: ReconciliationRunner, pred: (d: RunDoc) => boolean): Promise<RunDoc> {
  for (;;) {
    const d = (await r.get(runId))!;
    if (pred(d)) return d;
    await new Promise((res) => setTimeout(res, 20));
  }
}

function expectTruth(found: Map<string, FindingDoc>): void {
  const table: Record<string, { truth: number; found: number; precision: number; recall: number }> = {};
  for (const k of DEFECT_KINDS) {
    const t = [...truth.values()].filter((d) => d.kind === k);
    const f = [...found.values()].filter((d) => d.kind === k);
    const tp = f.filter((d) => truth.has(d._id)).length;
    const precision = f.length === 0 ? 1 : tp / f.length;
    const recall = t.length === 0 ? 1 : tp / t.length;
    table[k] = { truth: t.length, found: f.length, precision, recall };
  }
  console.table(table);
  for (const [k, s] of Object.entries(table)) {
    expect({ k, precision: s.precision >= 0.99, recall: s.recall >= 0.99 }).toEqual({
      k,
      precision: true,
      recall: true,
    });
  }
}

beforeAll(async () => {
  store = await connectTestStore('rcr_');
  // Raised defect rates, so that the province has every kind.
  await seed(store, { citizens: CITIZENS, seed: 515, rates: RATES });
  for (const c of [RECON_RUNS_COLLECTION, RECON_FINDINGS_COLLECTION]) {
    await store.hubDb
      .collection(c)
      .drop()
      .catch(() => undefined);
  }
  const index = new PopulationIndex({ today: REFERENCE_TODAY });
  const pop = store.db(SOURCES.population.db).collection<CongDanDoc>(SOURCES.population.collection);
  const t0 = Date.now();
  for await (const p of pop.find({}, { batchSize: 1000 })) index.add(p);
  const t1 = Date.now();
  let raw = 0;
  for (const s of Object.values(SOURCES)) {
    if (s === SOURCES.population) continue;
    for await (const d of store.db(s.db).collection(s.collection).find({}, { batchSize: 1000 })) raw += d ? 1 : 0;
  }
  rawScan = { ms: Date.now() - t0, indexMs: t1 - t0, docs: raw + index.size };
  const defects = await store.hubDb.collection<SeedDefectDoc>(SEED_DEFECTS_COLLECTION).find({}).toArray();
  const byProvince = new Map<string, SeedDefectDoc[]>();
  for (const d of defects) {
    const a = areaOfFinding(d as Finding, index);
    if (a.province === null) continue;
    byProvince.set(a.province, [...(byProvince.get(a.province) ?? []), d]);
  }
  [province] = [...byProvince.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  truth = new Map(byProvince.get(province)!.map((d) => [d._id, d]));
  const orphans = defects.filter((d) => d.kind === 'ORPHAN' && d.personalId === null);
  const placed = orphans.filter((d) => areaOfFinding(d as Finding, index).province !== null);
  // Orphans are attributed through their 12-digit key; nearly all of them have one.
  expect(placed.length).toBeGreaterThanOrEqual(0.9 * orphans.length);
  total = 0;
  for (const s of Object.values(SOURCES)) total += await store.db(s.db).collection(s.collection).countDocuments();
  const kinds = new Set([...truth.values()].map((d) => d.kind));
  expect([...kinds].sort()).toEqual([...DEFECT_KINDS].sort());
  console.log(
    `rcr: province ${province}: ${truth.size} ground-truth findings, kinds ${[...kinds].join(',')}; ${total} documents`,
  );
}, 60_000);

afterAll(async () => {
  for (const r of runners) await r.close();
  await store?.close();
});

describe('reconciliation runs', () => {
  let first: RunDoc;

  it('a province run finishes DONE with the ground truth of the province, sane progress', async () => {
    const r = runner(false);
    const t0 = Date.now();
    first = await r.start({ province }, 'officer-1');
    expect(first.status).toBe('RUNNING');
    // One RUNNING run per area: a second start returns the running one.
    const again = await r.start({ province, commune: null }, 'officer-2');
    expect(again._id).toBe(first._id);
    const mid = await until(first._id, r, (d) => d.progress.processed > 0 || d.status !== 'RUNNING');
    expect(mid.progress.total).toBe(total);
    if (mid.status === 'RUNNING') {
      expect(mid.progress.processed).toBeLessThanOrEqual(total);
      expect(mid.progress.ratePerS).toBeGreaterThan(0);
      expect(mid.progress.etaS).toBeGreaterThanOrEqual(0);
      expect(['INDEX', 'SOURCES', 'FINISH']).toContain(mid.phase);
    }
    await r.wait(first._id);
    const secs = (Date.now() - t0) / 1000;
    const done = (await r.get(first._id))!;
    expect(done.status).toBe('DONE');
    expect(done.phase).toBe('DONE');
    expect(done.checkpoint).toBeNull();
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(done.progress).toEqual({ processed: total, total, ratePerS: expect.any(Number), etaS: 0 });
    expect(done.progress.ratePerS).toBeGreaterThan(0);
    const found = await findingsOf(first._id);
    expect(done.findings).toBe(found.size);
    expect(Object.values(done.counts).reduce((s, n) => s + n, 0)).toBe(found.size);
    for (const f of found.values()) {
      expect(withinArea(f.area, { province, commune: null })).toBe(true);
      expect(f.firstSeenRunId).toBe(first._id);
    }
    expectTruth(found);
    expect(new Set(found.keys())).toEqual(new Set(truth.keys()));
    console.log(
      `rcr: run of ${total} documents (${CITIZENS} citizens) in ${secs.toFixed(1)} s: ` +
        `${Math.round(CITIZENS / secs)} citizens/s, ${done.progress.ratePerS} documents/s; plain scan ` +
        `${(rawScan.ms / 1000).toFixed(1)} s (population + index ${(rawScan.indexMs / 1000).toFixed(1)} s)`,
    );
  });

  it('re-running gives the same findings (no duplicates, lastSeenRunId updated)', async () => {
    const col = store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION);
    const before = await col.countDocuments();
    const r = runner();
    const second = await r.start({ province }, 'officer-1');
    expect(second._id).not.toBe(first._id);
    await r.wait(second._id);
    const done = (await r.get(second._id))!;
    expect(done.status).toBe('DONE');
    // The runner's limit holds (1,500 documents a second, all cursors together).
    expect(done.progress.ratePerS).toBeLessThanOrEqual(1_650);
    expect(await col.countDocuments()).toBe(before);
    const found = await findingsOf(second._id);
    expect(new Set(found.keys())).toEqual(new Set(truth.keys()));
    for (const f of found.values()) expect(f.firstSeenRunId).toBe(first._id);
    expect((await findingsOf(first._id)).size).toBe(0);
  });

  it('cancellation stops a run', async () => {
    const r = runner();
    const run = await r.start({ province }, 'officer-1');
    await until(run._id, r, (d) => d.progress.processed > 0 || d.status !== 'RUNNING');
    const c = (await r.cancel(run._id))!;
    expect(c.status).toBe('CANCELLED');
    expect(c.progress.processed).toBeLessThan(c.progress.total);
    expect(c.progress.etaS).toBeNull();
    expect(c.finishedAt).toBeInstanceOf(Date);
    // The area is free again.
    const next = await r.start({ province }, 'officer-1');
    expect(next._id).not.toBe(run._id);
    await r.cancel(next._id);
  });

  it('a run stopped by a restart resumes from its checkpoint and gives the same findings', async () => {
    // The figures of the uninterrupted runs before.
    const before = await areaStats(store, { province, commune: null });
    // Slow enough that the other sources are still being read when the first one is done, however
    // long this busy machine takes to see that and stop the runner (seconds, not milliseconds).
    const r1 = runner(300);
    const run = await r1.start({ province }, 'officer-1');
    const doneSources = (d: RunDoc) => Object.keys(d.checkpoint?.done ?? {}).length;
    const mid = await until(run._id, r1, (d) => doneSources(d) >= 1 || d.status !== 'RUNNING');
    await r1.close();
    expect(mid.status).toBe('RUNNING');
    const stopped = (await r1.get(run._id))!;
    expect(stopped.status).toBe('RUNNING');
    expect(doneSources(stopped)).toBeGreaterThanOrEqual(1);
    expect(doneSources(stopped)).toBeLessThan(4);
    expect(stopped.progress.processed).toBeLessThan(total);
    await expect(r1.start({ province }, 'x')).rejects.toThrow(/closed/);

    const r2 = runner();
    // The area has a RUNNING run (not executed yet): start returns it.
    expect((await r2.start({ province }, 'officer-2'))._id).toBe(run._id);
    expect(await r2.resumeAll()).toEqual([run._id]);
    expect(await r2.resumeAll()).toEqual([]);
    await r2.wait(run._id);
    const done = (await r2.get(run._id))!;
    expect(done.status).toBe('DONE');
    expect(done.resumes).toBe(1);
    expect(done.progress.processed).toBe(total);
    const found = await findingsOf(run._id);
    expect(new Set(found.keys())).toEqual(new Set(truth.keys()));
    expect(done.findings).toBe(found.size);
    expect(Object.values(done.counts).reduce((s, n) => s + n, 0)).toBe(found.size);
    // The restored sources' tallies count as if read: the same figures.
    const after = await areaStats(store, { province, commune: null });
    expect(after.runs[0]).toBe(run._id);
    expect(after.sources).toEqual(before.sources);
    // The saved state is removed once the run is DONE.
    expect(await store.hubDb.collection(RECON_RUN_STATE_COLLECTION).countDocuments()).toBe(0);
  });

  it('a run that loses the store stays RUNNING (not FAILED) and is resumed once the store is there', async () => {
    const lost = await connectTestStore('rcr_');
    const r1 = new ReconciliationRunner({ store: lost, logger, today: () => REFERENCE_TODAY, maxDocsPerS: 1_500 });
    runners.push(r1);
    const run = await r1.start({ province }, 'officer-1');
    await until(run._id, r1, (d) => d.progress.processed > 0 || d.status !== 'RUNNING');
    await lost.close(); // this runner's store is gone mid-run
    await r1.wait(run._id);
    const left = (await store.hubDb.collection<RunDoc>(RECON_RUNS_COLLECTION).findOne({ _id: run._id }))!;
    expect(left.status).toBe('RUNNING');
    expect(left.error).toBeNull();
    await r1.close();
    // r1 could not release its lease (its store is gone): another runner takes the run over once
    // the lease has not been renewed for its time to live.
    const r2 = new ReconciliationRunner({ store, logger, today: () => REFERENCE_TODAY, leaseTtlMs: 500 });
    runners.push(r2);
    while (!(await r2.resumeAll()).includes(run._id)) await new Promise((r) => setTimeout(r, 100));
    await r2.wait(run._id);
    const done = (await r2.get(run._id))!;
    expect(done.status).toBe('DONE');
    expect(new Set((await findingsOf(run._id)).keys())).toEqual(new Set(truth.keys()));
    // A generous ceiling for a loaded machine: the test waits on events, this only stops a hang.
  }, 180_000);

  it('a run whose client is closed and reconnected mid-scan (the store-health watchdog) is not DONE with what it read before: it resumes and finds everything', async () => {
    const watched = await Store.connect({
      uri: process.env.MONGODB_URI!,
      dbPrefix: 'rcr_',
      maxPoolSize: 16,
      monitorCommands: true,
    });
    const r = new ReconciliationRunner({ store: watched, logger, today: () => REFERENCE_TODAY, maxDocsPerS: 1_500 });
    let reconnect: Promise<void> | null = null;
    watched.client.on('commandSucceeded', (e) => {
      const c = (e.reply as { cursor?: { id: unknown; ns: string } }).cursor;
      // The population's first batch has come, more to follow: while the loop works through it,
      // the client is closed and connected again, as StoreHealth's watchdog does (store/health.ts).
      if (reconnect || e.commandName !== 'find' || !c?.ns.endsWith(`.${SOURCES.population.collection}`)) return;
      if (String(c.id) === '0') return;
      reconnect = new Promise((res) => setTimeout(res, 100)).then(async () => {
        await watched.client.close().catch(() => undefined);
        await watched.client.connect();
      });
    });
    try {
      const run = await r.start({ province }, 'officer-1');
      // Watched through the shared client (the closed one fails what it was doing meanwhile).
      const done = await until(run._id, runner(), (d) => d.status !== 'RUNNING');
      expect(reconnect).not.toBeNull();
      await (reconnect as Promise<void> | null);
      expect(done.status).toBe('DONE');
      // Before: DONE at once with the population's first 100 or so documents (the loop ended
      // silently when the cursor was closed), so with other findings (379 for 167: the records
      // of the people it did not read taken for orphans and mismatches).
      expect({ findings: done.findings, truth: truth.size }).toEqual({ findings: truth.size, truth: truth.size });
      const found = await findingsOf(run._id);
      expect(new Set(found.keys())).toEqual(new Set(truth.keys()));
      // Interrupted by the cut-short read (a store error), then resumed.
      expect(done.resumes).toBeGreaterThanOrEqual(1);
    } finally {
      await r.close();
      await watched.close();
    }
  }, 180_000);

  it('a run over sources that are not in the store fails: a missing collection reads as empty, not as no records', async () => {
    // A prefix nothing was seeded under: every source reads as empty (before: DONE, 0 findings).
    const bare = await connectTestStore('rcx_');
    const r = new ReconciliationRunner({ store: bare, logger, today: () => REFERENCE_TODAY });
    try {
      const run = await r.start({ province }, 'officer-1');
      await r.wait(run._id);
      const d = (await r.get(run._id))!;
      expect({ status: d.status, error: d.error }).toEqual({
        status: 'FAILED',
        error: `CollectionMissingError: the run failed; see the hub log (run ${run._id})`,
      });
    } finally {
      await r.close();
      await bare.close();
    }
  });

  it('a RUNNING run no runner executes can be cancelled (and is then not resumed)', async () => {
    const r1 = runner();
    const run = await r1.start({ province }, 'officer-1');
    await until(run._id, r1, (d) => d.progress.processed > 0 || d.status !== 'RUNNING');
    await r1.close();
    const r2 = runner();
    const c = (await r2.cancel(run._id))!;
    expect(c.status).toBe('CANCELLED');
    expect(await r2.resumeAll()).toEqual([]);
    expect(await r2.cancel('no-such-run')).toBeNull();
  });

  it('a runner closed while it resumes a run does not execute it; another runner then does', async () => {
    const r1 = runner();
    const run = await r1.start({ province }, 'officer-1');
    await until(run._id, r1, (d) => d.progress.processed > 0 || d.status !== 'RUNNING');
    await r1.close(); // RUNNING, its lease released
    const r2 = runner();
    // The runner closes just after resumeAll took the run's lease (before it launched the loop).
    const leases = (r2 as unknown as { leases: { take(id: string): Promise<string | null> } }).leases;
    const take = leases.take.bind(leases);
    let closing: Promise<void> | undefined;
    leases.take = async (id) => {
      const lease = await take(id);
      closing = r2.close();
      return lease;
    };
    expect(await r2.resumeAll()).toEqual([]);
    await closing;
    expect(closing).toBeDefined();
    expect((await r2.get(run._id))!.status).toBe('RUNNING');
    const r3 = runner();
    expect(await r3.resumeAll()).toEqual([run._id]);
    await r3.wait(run._id);
    expect((await r3.get(run._id))!.status).toBe('DONE');
  });

  it('a commune run keeps only the findings of its commune', async () => {
    // Every run so far was of the province: the collection holds exactly its findings.
    const all = await store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION).find({}).toArray();
    expect(new Set(all.map((f) => f._id))).toEqual(new Set(truth.keys()));
    const communes = new Map<string, number>();
    for (const f of all.values())
      if (f.area.commune) communes.set(f.area.commune, (communes.get(f.area.commune) ?? 0) + 1);
    const [commune] = [...communes.entries()].sort((a, b) => b[1] - a[1])[0];
    const r = runner();
    const run = await r.start({ province, commune }, 'officer-1');
    await r.wait(run._id);
    const found = await findingsOf(run._id);
    const expected = all.filter((f) => f.area.commune === commune).map((f) => f._id);
    expect(new Set(found.keys())).toEqual(new Set(expected));
  });
});
