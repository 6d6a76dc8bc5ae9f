import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { seed } from '../../mockdata/seed/index';
import { freePort } from '../../store/localdb';
import type { Store } from '../../store/connection';
import { accessLogEntriesFor, readAccessLog } from '../../services/audit/access-log';
import { ACCESS_LOG_CHECKPOINTS_COLLECTION, type CheckpointDoc } from '../../services/audit/checkpoints';
import type { AuditRecordDoc } from '../../services/audit/model';
import { CITIZEN_ALL_PAPERS } from '../support/queries';
import { connectTestStore, startTestHub, type TestHub } from '../support/hub';
import { testKeys } from '../support/keys';

/**
 * A hub killed (SIGKILL) while it serves requests leaves audit records its index worker had not
 * indexed yet; another hub takes its chain over once the checkpoint's lease lapses and indexes
 * the rest: every access-log line of the dead hub's records is in the index, once.
 */
const PREFIX = 'alt_';
const keys = testKeys();
let store: Store;
let child: ChildProcess | undefined;
let hub: TestHub | undefined;
let readers: string[];

beforeAll(async () => {
  store = await connectTestStore(PREFIX);
  for (const db of ['hub', 'hubindex']) await store.db(db).dropDatabase();
  await seed(store, { citizens: 150, seed: 71 });
  readers = (
    await store.hubDb
      .collection('accounts')
      .find({ status: 'ACTIVE', level: 2 }, { projection: { _id: 1 } })
      .limit(20)
      .toArray()
  ).map((d) => String(d._id));
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await hub?.close();
  await store.close();
});

async function until(pred: () => Promise<boolean>, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!(await pred().catch(() => false))) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('a hub killed mid-stream: another takes its chain over, its index complete, no line twice', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // One process (no tsx launcher in between): SIGKILL reaches the hub itself.
  child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../hub/main.ts')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      MONGODB_URI: process.env.MONGODB_URI,
      HUB_DB_PREFIX: PREFIX,
      HUB_KEYS_DIR: keys.keysDir,
      HUB_SWEEP_AT: 'off',
      HUB_RATE_LIMITS: 'off',
      HUB_ACCESS_LOG_INTERVAL_MS: '20',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<void>((r) => child!.once('exit', () => r()));
  await until(async () => (await fetch(`${url}/readyz`)).status === 200, 60_000);

  // Four callers reading their papers, one after the other each; killed after 60 answers.
  let answered = 0;
  let killed = false;
  const caller = async (k: number) => {
    for (let i = k; !killed; i += 4) {
      const id = readers[i % readers.length];
      const r = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.citizen(id)}` },
        body: JSON.stringify({ query: CITIZEN_ALL_PAPERS, variables: { id } }),
      }).catch(() => null);
      if (!r) return;
      expect(r.status).toBe(200);
      if (++answered >= 60 && !killed) {
        killed = true;
        child!.kill('SIGKILL');
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(caller));
  await exited;

  const audit = store.hubDb.collection<AuditRecordDoc>('audit');
  const records = await audit.find({}).toArray();
  const chains = [...new Set(records.map((r) => r.chain))];
  expect(chains).toHaveLength(1);
  const [dead] = chains;
  const last = Math.max(...records.map((r) => r.seq));
  expect(last).toBeGreaterThanOrEqual(60);
  const checkpoints = store.indexDb.collection<CheckpointDoc>(ACCESS_LOG_CHECKPOINTS_COLLECTION);
  const atDeath = (await checkpoints.findOne({ _id: dead }))!;
  // It died holding its chain (never released).
  expect(atDeath.owner).not.toBeNull();

  hub = await startTestHub(
    { HUB_ACCESS_LOG_INTERVAL_MS: '20', HUB_ACCESS_LOG_LEASE_MS: '500', HUB_ACCESS_LOG_SCAN_MS: '50' },
    PREFIX,
  );
  // Indexed to its end, then released: the worker says so.
  const released = await new Promise<{ chain: string; seq: number }>((resolve) =>
    hub!.auditWriter.indexer!.on('released', (e: { chain: string; seq: number }) => {
      if (e.chain === dead) resolve(e);
    }),
  );
  expect(released.seq).toBe(last);
  // Released by the taker, not closed: still watched, should the dead hub have written again.
  expect(await checkpoints.findOne({ _id: dead })).toMatchObject({ seq: last, upTo: last, owner: null, closed: false });

  const want = new Map<string, string[]>();
  for (const r of records) {
    for (const { citizenId } of accessLogEntriesFor(r))
      want.set(citizenId, [...(want.get(citizenId) ?? []), `${r.seq}`]);
  }
  expect(want.size).toBeGreaterThan(0);
  for (const [citizenId, seqs] of want) {
    const page = await readAccessLog(store, citizenId, { first: 100 });
    const got = page.entries.filter((e) => e.chain === dead).map((e) => `${e.seq}`);
    expect({ citizenId, seqs: got.sort() }).toEqual({ citizenId, seqs: seqs.sort() });
  }

  console.log(
    `takeover: the dead hub wrote ${last} records, had indexed ${atDeath.seq} (a pass over ${atDeath.upTo} announced); ` +
      `the taker indexed the rest`,
  );
}, 180_000);
