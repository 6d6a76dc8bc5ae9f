import { Store } from '../../../store/connection';
import { AuditWriter, type AuditEntry, type AuditLogger } from '../../../services/audit/writer';
import {
  accessLogCollection,
  accessLogEntriesFor,
  readAccessLog,
  writeCitizenIndex,
  type AccessLogEntry,
} from '../../../services/audit/access-log';
import { pendingAccessLog } from '../../../services/audit/indexer';
import { ACCESS_LOG_CHECKPOINTS_COLLECTION, type CheckpointDoc } from '../../../services/audit/checkpoints';
import type { AuditRecordDoc } from '../../../services/audit/model';

/**
 * The access-log index worker (services/audit/indexer.ts): entries reach the index after their
 * durable record, signalled by the worker; the hub that wrote them lists them before that; a
 * chain whose holder died mid-pass is taken over and indexed to its end, each entry once.
 * (A real crash of a hub process: test/hub/access-log-takeover.test.ts.)
 */
const PREFIX = 'aidx_';
const quiet: AuditLogger = { warn: () => undefined, error: () => undefined };
const stores: Store[] = [];

/** A connection of its own: each has its own index worker, as each process has. */
async function connect(): Promise<Store> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run through jest');
  const s = await Store.connect({ uri, dbPrefix: PREFIX, maxPoolSize: 8 });
  stores.push(s);
  return s;
}

const CITIZENS = ['001080000001', '001080000002', '001080000003', '001080000004', '001080000005'];

/** A client's read of two citizens' identity. */
function read(i: number, ids = [CITIZENS[i % 5], CITIZENS[(i + 1) % 5]]): AuditEntry {
  return {
    at: new Date(),
    requestId: `req-${i}`,
    operation: 'Citizens',
    actor: { kind: 'CLIENT', id: 'bank', clientId: 'bank', clientName: 'Ngân hàng A' },
    citizens: ids.map((citizenId) => ({
      citizenId,
      disclosed: [{ scope: 'IDENTITY', paths: ['citizens.0.fullName'] }],
      denied: [],
    })),
  };
}

/** `chain:seq` of every entry of a citizen's log in the index (not the pending ones), newest first. */
async function indexed(store: Store, citizenId: string): Promise<string[]> {
  const out: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await readAccessLog(store, citizenId, { first: 100, after });
    out.push(...page.entries.map((e) => `${e.chain}:${e.seq}`));
    if (!page.hasNextPage) return out;
    after = page.endCursor;
  }
}

/** What each citizen's log must hold of a chain's records. */
async function expected(store: Store, chain: string): Promise<Map<string, string[]>> {
  const records = await store.hubDb.collection<AuditRecordDoc>('audit').find({ chain }).toArray();
  const out = new Map<string, string[]>();
  for (const r of records) {
    for (const { citizenId } of accessLogEntriesFor(r)) {
      out.set(citizenId, [...(out.get(citizenId) ?? []), `${chain}:${r.seq}`]);
    }
  }
  return out;
}

const sorted = (xs: string[]) => [...xs].sort();

beforeAll(async () => {
  const s = await connect();
  await s.hubDb.dropDatabase();
  await s.indexDb.dropDatabase();
});

afterAll(async () => {
  await stores[0].hubDb.dropDatabase();
  await stores[0].indexDb.dropDatabase();
  for (const s of stores) await s.close();
});

it('indexes entries after their durable record and says when (caught up to seq N)', async () => {
  const store = await connect();
  const w = await AuditWriter.open(store, { chain: 'vis', logger: quiet, indexer: { intervalMs: 20 } });
  await Promise.all(Array.from({ length: 20 }, (_, i) => w.append(read(i))));
  // No flush asked: the worker's own pass, signalled.
  await w.indexer!.reached('vis', w.lastSeq);
  const want = await expected(store, 'vis');
  for (const [citizenId, entries] of want) {
    expect(sorted((await indexed(store, citizenId)).filter((k) => k.startsWith('vis:')))).toEqual(sorted(entries));
  }
  await w.close();
  const cp = await store.indexDb.collection<CheckpointDoc>(ACCESS_LOG_CHECKPOINTS_COLLECTION).findOne({ _id: 'vis' });
  // Closed by its writer: no worker watches it any more.
  expect(cp).toMatchObject({ seq: 20, upTo: 20, owner: null, closed: true });
});

it('lists an entry this hub made durable before it reaches the index (read-your-writes), once after', async () => {
  const store = await connect();
  const w = await AuditWriter.open(store, { chain: 'ryw', logger: quiet, indexer: { intervalMs: 600_000 } });
  const citizen = '001080000099';
  const r = await w.append(read(1, [citizen]));
  const pending = pendingAccessLog(store, citizen);
  expect(pending.map((e) => `${e.chain}:${e.seq}`)).toEqual([`ryw:${r.seq}`]);
  expect(await indexed(store, citizen)).toEqual([]);
  const page = await readAccessLog(store, citizen, { pending });
  expect(page.entries.map((e) => e.requestId)).toEqual(['req-1']);
  await w.flush();
  expect(await indexed(store, citizen)).toEqual([`ryw:${r.seq}`]);
  // A page read while the entry is both indexed and still held lists it once.
  const both = await readAccessLog(store, citizen, { pending: pending });
  expect(both.entries).toHaveLength(1);
  await w.close();
});

it('takes over a chain whose holder died mid-pass: every entry indexed once, the holder resumes after it', async () => {
  // The holder: its worker never passes on its own (it "dies" before its first pass).
  const deadStore = await connect();
  const dead = await AuditWriter.open(deadStore, {
    chain: 'dead',
    logger: quiet,
    indexer: { intervalMs: 600_000, scanMs: 0 },
  });
  for (let i = 1; i <= 30; i++) await dead.append(read(i));
  dead.indexer!.stop();
  // Its last pass, cut short: records 1-10 indexed, 11-20 announced, of which 11-15 written.
  const records = await deadStore.hubDb
    .collection<AuditRecordDoc>('audit')
    .find({ chain: 'dead' })
    .toArray()
    .then((a) => a.sort((x, y) => x.seq - y.seq));
  const byCitizen = new Map<string, AccessLogEntry[]>();
  for (const r of records.slice(0, 15)) {
    for (const { citizenId, entry } of accessLogEntriesFor(r)) {
      byCitizen.set(citizenId, [...(byCitizen.get(citizenId) ?? []), entry]);
    }
  }
  await writeCitizenIndex(accessLogCollection(deadStore), byCitizen);
  await deadStore.indexDb
    .collection<CheckpointDoc>(ACCESS_LOG_CHECKPOINTS_COLLECTION)
    .updateOne({ _id: 'dead' }, { $set: { seq: 10, upTo: 20 } });

  // Another hub's worker: the checkpoint has not moved for its lease, so it takes the chain.
  const store = await connect();
  const taker = await AuditWriter.open(store, {
    chain: 'taker',
    logger: quiet,
    indexer: { intervalMs: 20, leaseMs: 300, scanMs: 20 },
  });
  const released = new Promise<{ chain: string; seq: number }>((resolve) =>
    taker.indexer!.on('released', (e: { chain: string; seq: number }) => {
      if (e.chain === 'dead') resolve(e);
    }),
  );
  expect(await released).toEqual({ chain: 'dead', seq: 30 });
  const want = await expected(store, 'dead');
  expect(want.size).toBe(5);
  for (const [citizenId, entries] of want) {
    const got = (await indexed(store, citizenId)).filter((k) => k.startsWith('dead:'));
    expect(sorted(got)).toEqual(sorted(entries));
  }

  // The holder was not dead after all: it writes again, claims its chain back, goes on from there.
  const r31 = await dead.append(read(31));
  await dead.flush();
  expect(r31.seq).toBe(31);
  const after = await expected(store, 'dead');
  for (const [citizenId, entries] of after) {
    const got = (await indexed(store, citizenId)).filter((k) => k.startsWith('dead:'));
    expect(sorted(got)).toEqual(sorted(entries));
  }
  await dead.close();
  await taker.close();
});
