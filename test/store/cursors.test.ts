/**
 * A cursor closed under its reader (the client closed and reconnected, as the store-health
 * watchdog does after a store restart) ends a plain `for await` as if the collection had no more
 * documents; `readToEnd` throws instead. A missing collection reads as empty: `collectionExists`
 * tells it from an empty one. Own database under `cur_`.
 */
import type { FindCursor } from 'mongodb';
import {
  CollectionMissingError,
  CursorCutShortError,
  assertCollectionExists,
  collectionExists,
  readToEnd,
} from '../../store/cursors';
import { isTransientStoreError } from '../../store/health';
import type { Store } from '../../store/connection';
import { connectTestStore } from '../support/hub';

const DOCS = 300;
let store: Store;

beforeAll(async () => {
  store = await connectTestStore('cur_');
  const col = store.db('scan').collection<{ _id: number }>('docs');
  await col.drop().catch(() => undefined);
  await col.insertMany(Array.from({ length: DOCS }, (_, i) => ({ _id: i })));
}, 60_000);

afterAll(async () => {
  await store?.close();
});

/** Reads the collection in batches of 50, closing and reconnecting the client after the 60th document. */
async function scan(wrap: (c: FindCursor<{ _id: number }>) => AsyncIterable<{ _id: number }>): Promise<number> {
  const cursor = store.db('scan').collection<{ _id: number }>('docs').find({}, { batchSize: 50 });
  let read = 0;
  for await (const d of wrap(cursor)) {
    void d;
    if (++read === 60) {
      // What StoreHealth's watchdog does to a stuck driver (store/health.ts).
      await store.client.close();
      await store.client.connect();
    }
  }
  return read;
}

it("the driver ends a plain for-await over a cursor closed under it without an error: the scan's short read", async () => {
  // The driver's behaviour this module exists for (mongodb 7.8: 60 of 300 read, the loop stops at
  // once), no error. Should the driver throw here one day, this test says so.
  expect(await scan((c) => c)).toBeLessThan(DOCS);
});

it('readToEnd throws (a transient store error) when its cursor was closed before its end', async () => {
  const err: unknown = await scan(readToEnd).then(
    (n) => new Error(`read ${n} without an error`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CursorCutShortError);
  expect(isTransientStoreError(err)).toBe(true);
  // The client works again: a read to the end passes.
  let n = 0;
  for await (const d of readToEnd(store.db('scan').collection('docs').find({}, { batchSize: 50 }))) {
    void d;
    n++;
  }
  expect(n).toBe(DOCS);
});

it('readToEnd passes an empty result; collectionExists tells a missing collection from an empty one', async () => {
  const db = store.db('scan');
  await db
    .collection('empty')
    .drop()
    .catch(() => undefined);
  await db.createCollection('empty');
  for (const name of ['empty', 'missing']) {
    let n = 0;
    for await (const d of readToEnd(db.collection(name).find({}))) {
      void d;
      n++;
    }
    expect(n).toBe(0);
  }
  expect(await collectionExists(db, 'empty')).toBe(true);
  expect(await collectionExists(db, 'missing')).toBe(false);
  expect(await collectionExists(store.db('no-such-db'), 'docs')).toBe(false);
  await expect(assertCollectionExists(db, 'missing')).rejects.toBeInstanceOf(CollectionMissingError);
  await assertCollectionExists(db, 'empty');
});
