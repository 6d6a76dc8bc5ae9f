/**
 * Reading a cursor to its end, and knowing that it was the end.
 *
 * The driver ends a `for await` over a cursor that was closed under it as if it had been read to
 * its end: no error, only the documents already buffered. `MongoClient.close()` closes every open
 * cursor that way, and the hub closes its client while running: the store-health watchdog
 * (store/health.ts) closes and reconnects a client whose heartbeat hangs after a store restart
 * under load. A scan that iterates with awaits in its loop body (writes, pacing) over more than
 * one batch would then take a cut-short read for all there is; {@link readToEnd} throws instead.
 *
 * The embedded store also answers a `find` on a collection (or database) that does not exist with
 * an empty result, as MongoDB does: {@link collectionExists} tells a missing collection from an
 * empty one.
 */
import { MongoError, type AbstractCursor, type Db } from 'mongodb';

/**
 * A cursor ended before the store said it had nothing more: it was closed (the client closed or
 * reconnected) or killed. A store error: the read may be tried again once the store is back.
 */
export class CursorCutShortError extends MongoError {
  constructor(namespace: string) {
    super(`the cursor over ${namespace} was closed before its end (client closed or reconnected)`);
  }

  override get name(): string {
    return 'CursorCutShortError';
  }
}

/** Whether the store reported the cursor exhausted (id 0), rather than the cursor having been closed or killed. */
export function readToItsEnd(cursor: AbstractCursor): boolean {
  return cursor.id !== undefined && cursor.id.isZero() && !cursor.killed;
}

/**
 * The cursor's documents, each as it is read; throws {@link CursorCutShortError} when the
 * iteration ended because the cursor was closed, not because the store had no more.
 */
export async function* readToEnd<T>(cursor: AbstractCursor<T>): AsyncGenerator<T, void, undefined> {
  for await (const doc of cursor) yield doc;
  if (!readToItsEnd(cursor)) throw new CursorCutShortError(cursor.namespace.toString());
}

/** A collection read as empty does not exist (nor, perhaps, its database): nothing was read, not "no documents". */
export class CollectionMissingError extends Error {
  constructor(namespace: string) {
    super(`collection ${namespace} does not exist`);
    this.name = 'CollectionMissingError';
  }
}

/**
 * Throws {@link CollectionMissingError} unless the collection exists: for a scan that read
 * nothing and must not take a missing source (a wrong prefix, a store not showing its files) for
 * an empty one.
 */
export async function assertCollectionExists(db: Db, name: string): Promise<void> {
  if (!(await collectionExists(db, name))) throw new CollectionMissingError(`${db.databaseName}.${name}`);
}

/** Whether the collection exists (the store answers reads of a missing one with nothing, not an error). */
export async function collectionExists(db: Db, name: string): Promise<boolean> {
  const found = await db.listCollections({ name }, { nameOnly: true }).toArray();
  return found.length > 0;
}
