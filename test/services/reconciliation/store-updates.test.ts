import type { AnyBulkWriteOperation } from 'mongodb';
import type { Store } from '../../../store/connection';
import { connectTestStore } from '../../support/hub';

/**
 * The embedded store's update path under the reconciliation runs' write pattern (no mock: the
 * global setup's store). FerretDB v1.24.2's update command kept every statement's read cursor
 * (a pooled SQLite connection of the database) open until the whole command returned; a
 * statement that matched an existing document held one, and the database's pool has 100: an
 * update command of 100 such statements, or a few concurrent ones adding up to 100, waited for
 * a connection none of them would give back. The database then answered nothing more, with
 * an idle CPU, while the other databases (other pools) answered. localdb/patch closes each
 * statement's cursor when the statement is done.
 */

let store: Store;
const COLLECTION = 'storeUpdatesProbe';

interface Doc {
  _id: string;
  round: number;
  v?: string;
  after?: boolean;
}

const docs = () => store.hubDb.collection<Doc>(COLLECTION);

/** Reads on the hub database in a loop until `until` settles; returns how many answered. */
async function probe(until: Promise<unknown>): Promise<number> {
  let settled = false;
  void until.finally(() => (settled = true)).catch(() => undefined);
  let answered = 0;
  while (!settled) {
    await docs().findOne({ _id: 'doc-0' });
    answered++;
    await new Promise((r) => setTimeout(r, 5));
  }
  return answered;
}

function updates(from: number, n: number, round: number): AnyBulkWriteOperation<Doc>[] {
  return Array.from({ length: n }, (_, i) => ({
    updateOne: {
      filter: { _id: `doc-${from + i}` },
      update: { $set: { round, v: `${round}-${from + i}` } },
      upsert: true,
    },
  }));
}

beforeAll(async () => {
  store = await connectTestStore('su_');
  const col = docs();
  await col.drop().catch(() => undefined);
  // The documents exist before the updates (the re-run case); inserted in small commands.
  for (let i = 0; i < 400; i += 50) {
    await col.insertMany(Array.from({ length: 50 }, (_, j) => ({ _id: `doc-${i + j}`, round: 0 })));
  }
});

afterAll(async () => {
  await store?.close();
});

describe('embedded store: updates of existing documents', () => {
  it('one update command of 150 statements modifying existing documents returns; the database answers meanwhile', async () => {
    const col = docs();
    const write = col.bulkWrite(updates(0, 150, 1), { ordered: true });
    // Every probe read answered (a read stuck behind the pool would hang the test).
    await probe(write);
    const res = await write;
    expect(res.modifiedCount).toBe(150);
    expect(await col.countDocuments({ round: 1 })).toBe(150);
  });

  it('eight concurrent upsert commands of 50 statements (400 existing documents) return', async () => {
    const col = docs();
    const writes = Promise.all(
      Array.from({ length: 8 }, (_, k) => col.bulkWrite(updates(k * 50, 50, 2), { ordered: false })),
    );
    await probe(writes);
    const res = await writes;
    expect(res.reduce((s, r) => s + r.modifiedCount, 0)).toBe(400);
    // The database still answers afterwards, reads and writes.
    await col.updateOne({ _id: 'doc-1' }, { $set: { after: true } });
    expect(await col.findOne({ _id: 'doc-1' })).toMatchObject({ round: 2, after: true });
  });
});
