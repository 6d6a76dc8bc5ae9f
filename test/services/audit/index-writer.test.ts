import { Store } from '../../../store/connection';
import { accessLogCollection, readAccessLog, type AccessLogEntry } from '../../../services/audit/access-log';
import { AccessLogIndexWriter } from '../../../services/audit/index-writer';

/**
 * The index worker's writes: a head is written only when its citizen gets a new bucket (a reader
 * finds buckets through it); counts of entries added to known buckets are held and written later,
 * and the bound counts them meanwhile.
 */
const PREFIX = 'aiw_';
let store: Store;
/** Statements of the update commands sent, by collection. */
const updates: number[] = [];

const AT = new Date('2026-03-01T08:01:00Z');
let seq = 0;
function line(at = AT): AccessLogEntry {
  seq++;
  return {
    at,
    chain: 'c',
    seq,
    requestId: `req-${seq}`,
    actorKind: 'CLIENT',
    clientName: 'X',
    documents: ['IDENTITY'],
  };
}

beforeAll(async () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run through jest');
  store = await Store.connect({ uri, dbPrefix: PREFIX, maxPoolSize: 4, monitorCommands: true });
  await store.indexDb.dropDatabase();
  store.client.on('commandStarted', (e) => {
    if (e.commandName === 'update') updates.push((e.command as { updates: unknown[] }).updates.length);
  });
});

afterAll(async () => {
  await store.indexDb.dropDatabase();
  await store.close();
});

const head = (id: string) => accessLogCollection(store).findOne<{ h?: Record<string, number> }>({ _id: id });
const statements = async (fn: () => Promise<void>) => {
  updates.length = 0;
  await fn();
  return updates.reduce((a, b) => a + b, 0);
};

it('writes a head for a new bucket at once, and holds the counts of a known bucket', async () => {
  const w = new AccessLogIndexWriter(accessLogCollection(store), { random: () => 1 });
  const id = '001070000001';
  // New bucket: the push and the head.
  expect(await statements(() => w.write(new Map([[id, [line()]]])))).toBe(2);
  expect((await head(id))?.h).toEqual({ '20260301080': 1 });
  // The same bucket: the push only; the entry is listed all the same.
  expect(await statements(() => w.write(new Map([[id, [line(), line()]]])))).toBe(1);
  expect((await readAccessLog(store, id, { first: 10 })).entries.map((e) => e.seq)).toEqual([3, 2, 1]);
  expect((await head(id))?.h).toEqual({ '20260301080': 1 });
  // A new bucket for that citizen: its head now, with the counts held.
  await w.write(new Map([[id, [line(new Date('2026-03-01T08:15:00Z'))]]]));
  expect((await head(id))?.h).toEqual({ '20260301080': 3, '20260301081': 1 });
  await w.write(new Map([[id, [line(new Date('2026-03-01T08:16:00Z'))]]]));
  await w.flushCounts();
  expect((await head(id))?.h).toEqual({ '20260301080': 3, '20260301081': 2 });
});

it('the bound counts the held entries', async () => {
  const w = new AccessLogIndexWriter(accessLogCollection(store), { random: () => 0 });
  const id = '001070000002';
  const oldest = line();
  await w.write(new Map([[id, [oldest]]]), { max: 5 });
  // Six more in a later bucket, one pass each: the head hears of the first only (then held).
  for (let i = 0; i < 6; i++) await w.write(new Map([[id, [line(new Date('2026-03-01T08:12:00Z'))]]]), { max: 5 });
  // Seven entries, over 5 + slack 1 counting the held ones: the oldest bucket went.
  const page = await readAccessLog(store, id, { first: 100 });
  expect(page.entries).toHaveLength(6);
  expect(page.entries.map((e) => e.seq)).not.toContain(oldest.seq);
  await w.flushCounts();
  expect((await head(id))?.h).toEqual({ '20260301081': 6 });
});

it('lists in the head a bucket a cut-short pass created without it', async () => {
  const w = new AccessLogIndexWriter(accessLogCollection(store), { random: () => 1 });
  const id = '001070000003';
  const first = line();
  await accessLogCollection(store).insertOne({ _id: `${id}|20260301080`, e: [first] });
  expect(await readAccessLog(store, id)).toMatchObject({ entries: [] });
  // The retry finds the entry there (nothing left to add), and lists the bucket.
  await w.write(new Map(), { touched: new Map([[id, new Set(['20260301080'])]]) });
  expect((await readAccessLog(store, id)).entries.map((e) => e.seq)).toEqual([first.seq]);
});
