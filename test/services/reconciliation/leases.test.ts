/**
 * A run is executed by one instance at a time: two runners (two hub instances) on one store
 * resuming the same orphaned RUNNING run execute it once; a run whose instance died is resumed
 * by another once its lease has lapsed. Own data set under `rcl_` (no hub of another test resumes
 * these runs).
 */
import pino from 'pino';
import { seed } from '../../../mockdata/seed';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import { mapCitizen } from '../../../connectors/population/connector';
import { RECON_RUNS_COLLECTION, type RunDoc } from '../../../services/reconciliation/model';
import {
  RECON_RUN_ENDS_COLLECTION,
  RECON_RUN_LEASES_COLLECTION,
  RunEnds,
} from '../../../services/reconciliation/run-leases';
import { ReconciliationRunner } from '../../../services/reconciliation/runs';
import { Store } from '../../../store/connection';
import { connectTestStore } from '../../support/hub';

const logger = pino({ level: 'silent' });
let store: Store;
let province: string;
const runners: ReconciliationRunner[] = [];
const runner = (opts: { leaseTtlMs?: number; maxDocsPerS?: number } = {}) => {
  const r = new ReconciliationRunner({ store, logger, ...opts });
  runners.push(r);
  return r;
};
const leasesOf = (runId: string) =>
  store.hubDb
    .collection<{ _id: string; runId: string; holder: string }>(RECON_RUN_LEASES_COLLECTION)
    .find({ runId })
    .toArray();
const runDoc = async (id: string) =>
  (await store.hubDb.collection<RunDoc>(RECON_RUNS_COLLECTION).findOne({ _id: id }))!;

/** An orphaned RUNNING run: started, then its runner closed (as when its hub stops). */
async function orphan(): Promise<RunDoc> {
  const r = runner({ maxDocsPerS: 300 });
  const run = await r.start({ province }, 'operator');
  await r.close();
  expect((await runDoc(run._id)).status).toBe('RUNNING');
  return run;
}

beforeAll(async () => {
  store = await connectTestStore('rcl_');
  await seed(store, { citizens: 300, seed: 43, rates: { MISMATCH: 0.1, ORPHAN: 0.05 } });
  const people = await store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION).find({}).toArray();
  const count = new Map<string, number>();
  for (const p of people.map(mapCitizen)) if (p.area) count.set(p.area.province, (count.get(p.area.province) ?? 0) + 1);
  [province] = [...count.entries()].sort((a, b) => b[1] - a[1])[0];
}, 120_000);

afterAll(async () => {
  await Promise.all(runners.map((r) => r.close()));
  await store?.close();
});

it('two instances resuming the same orphaned run at once: one executes it, it ends DONE once', async () => {
  const run = await orphan();
  const [a, b] = [runner(), runner()];
  const resumed = await Promise.all([a.resumeAll(), b.resumeAll(), a.resumeAll(), b.resumeAll()]);
  const executions = resumed.flat().filter((id) => id === run._id);
  await Promise.all([a.wait(run._id), b.wait(run._id)]);
  expect(executions).toHaveLength(1);
  // The start's lease and one taken over: one holder at a time.
  expect(await leasesOf(run._id)).toHaveLength(2);
  const done = await runDoc(run._id);
  expect(done.status).toBe('DONE');
  // The same findings as a run over the same data from its start.
  const again = runner();
  const fresh = await again.start({ province }, 'operator');
  await again.wait(fresh._id);
  const rerun = await runDoc(fresh._id);
  expect(rerun.status).toBe('DONE');
  expect(done.counts).toEqual(rerun.counts);
  expect(done.findings).toBe(rerun.findings);
}, 120_000);

it('a run whose instance died (its lease no longer renewed) is resumed by another once the lease lapses', async () => {
  const run = await orphan();
  // The instance that took the run over died without a word: its lease stays, never renewed.
  const leases = store.hubDb.collection<{ _id: string } & Record<string, unknown>>(RECON_RUN_LEASES_COLLECTION);
  const n = (await leasesOf(run._id)).length + 1;
  await leases.insertOne({ _id: `${run._id}#${n}`, runId: run._id, n, holder: 'dead', at: new Date(), beat: 0 });
  const b = runner({ leaseTtlMs: 1_000 });
  expect(await b.resumeAll()).toEqual([]); // held: not executed at once
  // Watched: taken over once the lease has not moved for its time to live.
  b.watch();
  for (;;) {
    const doc = await runDoc(run._id);
    if (doc.status !== 'RUNNING') break;
    await b.wait(run._id);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect((await runDoc(run._id)).status).toBe('DONE');
  expect((await leasesOf(run._id)).map((l) => l.holder)).toContain('dead');
}, 120_000);

/**
 * A loop decides its run's end (DONE) before it writes the DONE document: whoever reads the run
 * in between, or after the store lost that write, must not see DONE with the figures of the last
 * progress write (the store-restart test once saw `DONE` with 0 findings of 72 so).
 */
it('a run is never seen DONE without its figures: asked the moment its end is decided (DONE write not yet made), it shows the DONE figures', async () => {
  // Its own client, watched: the moment the store acknowledges the run's end, the run is read.
  const watched = await Store.connect({
    uri: process.env.MONGODB_URI!,
    dbPrefix: 'rcl_',
    maxPoolSize: 16,
    monitorCommands: true,
  });
  try {
    const r = new ReconciliationRunner({ store: watched, logger });
    runners.push(r);
    let runId = '';
    let endInsert: number | null = null;
    let seen: Promise<RunDoc | null> | null = null;
    watched.client.on('commandStarted', (e) => {
      if (e.commandName === 'insert' && e.command.insert === RECON_RUN_ENDS_COLLECTION) endInsert = e.requestId;
    });
    watched.client.on('commandSucceeded', (e) => {
      if (e.requestId === endInsert && !seen) seen = r.get(runId);
    });
    const run = await r.start({ province }, 'operator');
    runId = run._id;
    await r.wait(run._id);
    const done = await runDoc(run._id);
    expect(done.status).toBe('DONE');
    expect(done.findings).toBeGreaterThan(0);
    expect(seen).not.toBeNull();
    const early = (await seen!)!;
    // Its end is decided at that moment: DONE, with the figures of its DONE write (before the
    // fix: DONE with those of its last progress write, 0 findings).
    expect({ status: early.status, findings: early.findings, counts: early.counts }).toEqual({
      status: 'DONE',
      findings: done.findings,
      counts: done.counts,
    });
  } finally {
    await watched.close();
  }
}, 120_000);

it('a run whose DONE was decided but whose DONE write the store lost is completed with its figures, not with its last progress', async () => {
  const run = await orphan();
  const before = await runDoc(run._id);
  // What the loop decides at its end (its figures included), then the store goes away before
  // its DONE write: the run document still says RUNNING with its last progress.
  const counts = { ...before.counts, ORPHAN: 3, MISMATCH: 4 };
  const at = new Date();
  const figures = {
    counts,
    findings: 7,
    progress: { processed: 10, total: 10, ratePerS: 5, etaS: 0 },
    writes: { findings: 7, unchanged: 0, index: 2, stats: 1 },
    casesCleared: 0,
    casesRecurred: 0,
    finishedAt: at,
  };
  expect((await new RunEnds(store, () => at).decide(run._id, 'DONE', figures)).mine).toBe(true);
  const r = runner();
  const seen = (await r.get(run._id))!;
  expect({ status: seen.status, findings: seen.findings, counts: seen.counts }).toEqual({
    status: 'DONE',
    findings: 7,
    counts,
  });
  expect(await r.resumeAll()).toEqual([]);
  const after = await runDoc(run._id);
  expect({ status: after.status, findings: after.findings, counts: after.counts, phase: after.phase }).toEqual({
    status: 'DONE',
    findings: 7,
    counts,
    phase: 'DONE',
  });
  expect(after.checkpoint).toBeNull();
}, 120_000);
