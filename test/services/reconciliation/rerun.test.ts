import pino from 'pino';
import { REFERENCE_TODAY } from '../../../mockdata/generator/dates';
import type { CongDanDoc } from '../../../connectors/population/model';
import { SOURCES } from '../../../connectors/registry';
import { seed } from '../../../mockdata/seed/index';
import { encodeKey } from '../../../services/reconciliation/case-index';
import { areaOfFinding } from '../../../services/reconciliation/finding-areas';
import {
  RECON_CASE_INDEX_COLLECTION,
  type CaseIndexDoc,
  type Finding,
  NATIONAL,
  RECON_FINDINGS_COLLECTION,
  RECON_RUNS_COLLECTION,
  type RunDoc,
} from '../../../services/reconciliation/model';
import { PopulationIndex } from '../../../services/reconciliation/population-index';
import { ReconciliationRunner } from '../../../services/reconciliation/runs';
import type { Store } from '../../../store/connection';
import { SEED_DEFECTS_COLLECTION, type SeedDefectDoc } from '../../../mockdata/seed-meta';
import { connectTestStore } from '../../support/hub';

/**
 * Re-runs over existing findings, on the real embedded store: the second run of an area over the
 * same data finishes, writes no finding (the run's own write counters), and the store's hub
 * database answers throughout (a probe reads it in a loop while the runs write); also two areas
 * at once, a national re-run, and a re-run stopped mid-way and resumed by another runner.
 * Before the store's update-cursor patch (localdb/patch) a re-run's concurrent upserts of
 * existing findings held the hub database's whole SQLite connection pool and the store stopped
 * answering on that database. Own data set under `rrr_`.
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
};
const logger = pino({ level: process.env.RRR_LOG ?? 'silent' });
let store: Store;
/** A second connection for the probe (its own pool: a probe never waits behind the runs' driver queue). */
let probeStore: Store;
/** Ground-truth keys per province, and all of them (a national run). */
const truth = new Map<string, Set<string>>();
let all: Set<string>;
let provinces: [string, string];
const runners: ReconciliationRunner[] = [];

function runner(maxDocsPerS?: number, today = REFERENCE_TODAY): ReconciliationRunner {
  const r = new ReconciliationRunner({ store, logger, today: () => today, maxDocsPerS });
  runners.push(r);
  return r;
}

/** Reads the hub database in a loop until `until` settles; every read must answer. */
async function probe(until: Promise<unknown>): Promise<number> {
  let settled = false;
  void until.then(
    () => (settled = true),
    () => (settled = true),
  );
  let answered = 0;
  while (!settled) {
    await probeStore.hubDb.collection(RECON_RUNS_COLLECTION).findOne({ _id: 'probe' as never });
    await probeStore.hubDb.collection(RECON_CASE_INDEX_COLLECTION).findOne({ _id: `${provinces[0]}|-` as never });
    answered++;
    await new Promise((r) => setTimeout(r, 10));
  }
  return answered;
}

/** Runs to the end, probing the hub database meanwhile. */
async function runProbed(r: ReconciliationRunner, ids: string[]): Promise<RunDoc[]> {
  const done = Promise.all(ids.map((id) => r.wait(id)));
  const answered = await probe(done);
  await done;
  expect(answered).toBeGreaterThan(0);
  return Promise.all(ids.map(async (id) => (await r.get(id))!));
}

async function seenBy(run: RunDoc, r: ReconciliationRunner): Promise<Set<string>> {
  return new Set(await r.cases.keysLastSeenBy(run.area, run.createdAt));
}

function expectFirstRun(run: RunDoc, keys: Set<string>, expected: Set<string>): void {
  expect(run.status).toBe('DONE');
  expect(keys).toEqual(expected); // precision and recall 1.0
  expect(run.findings).toBe(expected.size);
  expect(run.writes).toMatchObject({ findings: expected.size, unchanged: 0 });
}

function expectReRun(run: RunDoc, keys: Set<string>, expected: Set<string>): void {
  expect(run.status).toBe('DONE');
  expect(keys).toEqual(expected); // the same findings: precision and recall 1.0
  expect(run.findings).toBe(expected.size);
  // Nothing written per finding; only the per-area documents (index, figures).
  expect(run.writes).toMatchObject({ findings: 0, unchanged: expected.size });
}

beforeAll(async () => {
  store = await connectTestStore('rrr_');
  probeStore = await connectTestStore('rrr_');
  await seed(store, { citizens: CITIZENS, seed: 818, rates: RATES });
  const index = new PopulationIndex({ today: REFERENCE_TODAY });
  const pop = store.db(SOURCES.population.db).collection<CongDanDoc>(SOURCES.population.collection);
  for await (const p of pop.find({}, { batchSize: 1000 })) index.add(p);
  const defects = await store.hubDb.collection<SeedDefectDoc>(SEED_DEFECTS_COLLECTION).find({}).toArray();
  all = new Set(defects.map((d) => d._id));
  for (const d of defects) {
    const a = areaOfFinding(d as Finding, index);
    if (a.province === null) continue;
    if (!truth.has(a.province)) truth.set(a.province, new Set());
    truth.get(a.province)!.add(d._id);
  }
  const ranked = [...truth.entries()].sort((a, b) => b[1].size - a[1].size);
  provinces = [ranked[0][0], ranked[1][0]];
  console.log(
    `rrr: provinces ${provinces.join(', ')}: ${ranked[0][1].size}, ${ranked[1][1].size} findings; national ${all.size}`,
  );
}, 120_000);

afterAll(async () => {
  for (const r of runners) await r.close();
  await probeStore?.close();
  await store?.close();
});

describe('re-runs over existing findings', () => {
  it('the second run of a province writes no finding, and the hub database answers throughout', async () => {
    const [a] = provinces;
    const r = runner();
    const first = await r.start({ province: a }, 'officer-1');
    const [done1] = await runProbed(r, [first._id]);
    expectFirstRun(done1, await seenBy(done1, r), truth.get(a)!);
    const second = await r.start({ province: a }, 'officer-1');
    const [done2] = await runProbed(r, [second._id]);
    expectReRun(done2, await seenBy(done2, r), truth.get(a)!);
    // The findings' content stays as the first run wrote it.
    const stored = await store.hubDb.collection(RECON_FINDINGS_COLLECTION).countDocuments();
    expect(stored).toBe(truth.get(a)!.size);
    console.log(`rrr: re-run of ${a}: writes ${JSON.stringify(done2.writes)}`);
  });

  it('two provinces at once: both finish, the second round writes no finding', async () => {
    const [a, b] = provinces;
    const r = runner();
    // b's first run alongside a's second.
    const ra = await r.start({ province: a }, 'officer-1');
    const rb = await r.start({ province: b }, 'officer-2');
    const [da, db] = await runProbed(r, [ra._id, rb._id]);
    expectReRun(da, await seenBy(da, r), truth.get(a)!);
    expectFirstRun(db, await seenBy(db, r), truth.get(b)!);
    // Both again, at once: nothing written.
    const ra2 = await r.start({ province: a }, 'officer-1');
    const rb2 = await r.start({ province: b }, 'officer-2');
    const [da2, db2] = await runProbed(r, [ra2._id, rb2._id]);
    expectReRun(da2, await seenBy(da2, r), truth.get(a)!);
    expectReRun(db2, await seenBy(db2, r), truth.get(b)!);
  });

  it('a national re-run (many existing findings written at once before) writes only what is new', async () => {
    const r = runner();
    const n1 = await r.start({ province: NATIONAL }, 'supervisor-1');
    const [d1] = await runProbed(r, [n1._id]);
    expect(d1.status).toBe('DONE');
    expect(await seenBy(d1, r)).toEqual(all);
    // Only the findings outside the two provinces run before were new.
    const before = truth.get(provinces[0])!.size + truth.get(provinces[1])!.size;
    expect(d1.writes).toMatchObject({ findings: all.size - before, unchanged: before });
    const n2 = await r.start({ province: NATIONAL }, 'supervisor-1');
    const [d2] = await runProbed(r, [n2._id]);
    expectReRun(d2, await seenBy(d2, r), all);
  });

  it('a re-run stopped mid-way (runner closed) and resumed by another runner writes no finding, on its reference date', async () => {
    const [a] = provinces;
    const r1 = runner(1_500); // slow enough to be caught mid-way
    const run = await r1.start({ province: a }, 'officer-1');
    const sourcesDone = (d: RunDoc) => Object.keys(d.checkpoint?.done ?? {}).length;
    const stopped = probe(
      (async () => {
        for (;;) {
          const d = (await r1.get(run._id))!;
          if (sourcesDone(d) >= 1 || d.status !== 'RUNNING') return;
          await new Promise((res) => setTimeout(res, 20));
        }
      })().then(() => r1.close()),
    );
    await stopped;
    const mid = (await r1.get(run._id))!;
    expect(mid.status).toBe('RUNNING');
    expect(mid.writes?.findings).toBe(0);
    // Resumed by a runner whose today is decades later: the run keeps judging validity on the
    // reference date stored when it started (else every card would have expired).
    const r2 = runner(undefined, '2099-12-31');
    expect(await r2.resumeAll()).toEqual([run._id]);
    const [done] = await runProbed(r2, [run._id]);
    expect(done.resumes).toBe(1);
    expect(done.status).toBe('DONE');
    expect(done.today).toBe(REFERENCE_TODAY);
    expect(await seenBy(done, r2)).toEqual(truth.get(a)!);
    expect(done.findings).toBe(truth.get(a)!.size);
    // Nothing written per finding (a resumed run compares again what it reads again).
    expect(done.writes!.findings).toBe(0);
    expect(done.writes!.unchanged).toBeGreaterThanOrEqual(truth.get(a)!.size);
  });

  it('writes exactly the findings that differ from what is stored; a cancelled re-run leaves the store answering', async () => {
    const [a] = provinces;
    const r = runner();
    // One stored finding no longer matches (its hash as if written from other content).
    const [key] = [...truth.get(a)!].sort();
    const index = store.hubDb.collection<CaseIndexDoc>(RECON_CASE_INDEX_COLLECTION);
    const docs = await index.find({}).toArray();
    const holder = docs.find((d) => d.m?.[encodeKey(key)])!;
    await index.updateOne({ _id: holder._id }, { $set: { [`m.${encodeKey(key)}.h`]: 'stale' } });
    const run = await r.start({ province: a }, 'officer-1');
    const [done] = await runProbed(r, [run._id]);
    expect(done.status).toBe('DONE');
    expect(await seenBy(done, r)).toEqual(truth.get(a)!);
    expect(done.writes).toMatchObject({ findings: 1, unchanged: truth.get(a)!.size - 1 });
    expect((await index.findOne({ _id: holder._id }))!.m![encodeKey(key)].h).not.toBe('stale');
    // A re-run cancelled mid-way: the hub database answers reads and writes afterwards.
    const slow = runner(1_500);
    const c = await slow.start({ province: a }, 'officer-1');
    for (;;) {
      const d = (await slow.get(c._id))!;
      if (d.progress.processed > 0 || d.status !== 'RUNNING') break;
      await new Promise((res) => setTimeout(res, 20));
    }
    expect((await slow.cancel(c._id))!.status).toBe('CANCELLED');
    await probeStore.hubDb.collection(RECON_RUNS_COLLECTION).findOne({ _id: c._id as never });
    const again = await r.start({ province: a }, 'officer-1');
    const [after] = await runProbed(r, [again._id]);
    expectReRun(after, await seenBy(after, r), truth.get(a)!);
  });
});
