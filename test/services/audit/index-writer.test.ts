import { Store } from '../../../store/connection';
import {
  accessLogCollection,
  readAccessLog,
  timeWindows,
  type AccessLogEntry,
} from '../../../services/audit/access-log';
import { AccessLogIndexWriter } from '../../../services/audit/index-writer';

/**
 * The index worker's writes: insert-only, one document per entry. A pass is insert commands and
 * no update, however many citizens it names; writing a pass again (cut short, retried) adds
 * nothing; the bound deletes a citizen's oldest entries and nobody else's; a page reads time
 * windows going back until it is full, and pages through years in order.
 */
const PREFIX = 'aiw_';
let store: Store;
/** Commands sent to the index's collection, by name. */
const commands: string[] = [];

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
    if (['insert', 'update', 'delete'].includes(e.commandName)) commands.push(e.commandName);
  });
});

afterAll(async () => {
  await store.indexDb.dropDatabase();
  await store.close();
});

const kept = (id: string) => accessLogCollection(store).countDocuments({ _id: { $gte: `${id}|`, $lt: `${id}|:` } });
const sent = async (fn: () => Promise<void>) => {
  commands.length = 0;
  await fn();
  return [...commands];
};

it('writes a pass naming many citizens as one insert command, and a retried pass adds nothing', async () => {
  const w = new AccessLogIndexWriter(accessLogCollection(store), { random: () => 1 });
  const pass = new Map(
    Array.from({ length: 40 }, (_, i) => [`0010700001${String(i).padStart(2, '0')}`, [line(), line()]]),
  );
  expect(await sent(() => w.write(pass))).toEqual(['insert']);
  // The same pass again (a worker that died before its checkpoint): every entry stays once.
  expect(await sent(() => w.write(pass))).toEqual(['insert']);
  for (const id of ['001070000100', '001070000139']) {
    expect(await kept(id)).toBe(2);
    expect((await readAccessLog(store, id)).entries.map((e) => e.requestId)).toEqual(
      pass
        .get(id)!
        .map((e) => e.requestId)
        .reverse(),
    );
  }
});

it("the bound deletes a citizen's oldest entries, and nobody else's", async () => {
  const w = new AccessLogIndexWriter(accessLogCollection(store), { random: () => 0 });
  const id = '001070000002';
  const next = '001070000003';
  await w.write(new Map([[next, [line(new Date('2026-02-01T00:00:00Z'))]]]), { max: 5 });
  const written: AccessLogEntry[] = [];
  for (let i = 0; i < 7; i++) {
    const e = line(new Date(Date.UTC(2026, 2, 1, 8, i)));
    written.push(e);
    await w.write(new Map([[id, [e]]]), { max: 5 });
  }
  // Seven entries, over 5 + slack 1: down to the newest five.
  const page = await readAccessLog(store, id, { first: 100 });
  expect(page.entries.map((e) => e.seq)).toEqual(
    written
      .slice(-5)
      .map((e) => e.seq)
      .reverse(),
  );
  expect(await kept(next)).toBe(1);
});

it('pages newest first through entries years apart, with a time filter, reading windows back in time', async () => {
  const w = new AccessLogIndexWriter(accessLogCollection(store), { random: () => 1 });
  const id = '001070000004';
  const now = Date.now();
  // 30 entries from now back over ~3 years, unevenly (some the same millisecond).
  const ats = Array.from(
    { length: 30 },
    (_, i) => now - Math.floor((i * i * 37 * 86_400_000) / 30) - (i % 7 === 0 ? 0 : i),
  );
  const entries = ats.map((t) => line(new Date(t))).reverse();
  await w.write(new Map([[id, entries]]));
  const order = (list: AccessLogEntry[]) =>
    [...list]
      .sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime() || b.seq - a.seq)
      .map((e) => e.requestId);
  const pages = async (filter: { from?: Date; to?: Date }, first: number) => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const p = await readAccessLog(store, id, { first, after, ...filter });
      seen.push(...p.entries.map((e) => e.requestId));
      if (!p.hasNextPage) return seen;
      after = p.endCursor;
    }
  };
  expect(await pages({}, 4)).toEqual(order(entries));
  expect(await pages({}, 100)).toEqual(order(entries));
  const from = new Date(now - 400 * 86_400_000);
  const to = new Date(now - 20 * 86_400_000);
  const inside = entries.filter((e) => new Date(e.at) >= from && new Date(e.at) <= to);
  expect(inside.length).toBeGreaterThan(3);
  expect(await pages({ from, to }, 3)).toEqual(order(inside));
});

it('the windows cover the whole range, newest first, without gaps', () => {
  const DAY = 86_400_000;
  const now = Date.UTC(2026, 11, 5);
  const all = [...timeWindows(null, null, now)];
  expect(all[0]).toEqual({ from: now - DAY, to: null });
  expect(all[1]).toEqual({ from: now - 9 * DAY, to: now - DAY });
  expect(all[all.length - 1].from).toBeNull();
  for (let i = 1; i < all.length; i++) expect(all[i].to).toBe(all[i - 1].from);
  const bounded = [...timeWindows(now, now - 30 * DAY, now)];
  expect(bounded.map((x) => [x.from, x.to])).toEqual([
    [now - DAY, now],
    [now - 9 * DAY, now - DAY],
    [now - 30 * DAY, now - 9 * DAY],
  ]);
  expect([...timeWindows(now - 29 * DAY, now - 30 * DAY, now)]).toEqual([{ from: now - 30 * DAY, to: now - 29 * DAY }]);
  // `to` before `from`: nothing to read.
  expect([...timeWindows(now - 40 * DAY, now - 30 * DAY, now)]).toEqual([]);
});
