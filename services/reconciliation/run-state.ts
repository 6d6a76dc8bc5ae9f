/**
 * A run's larger checkpoint state (per source: the duplicate tracker's plane, the area tally),
 * kept out of the run document, which is rewritten every second with its progress. Values are
 * JSON, deflated, in chunks of at most {@link CHUNK_BYTES} (a national run's state exceeds what
 * one document may hold): `reconRunState` `_id` = `<run>|<name>|<i>`, then the head
 * `<run>|<name>` naming the chunk count, written last so that a save cut short is never read.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Binary, type Collection } from 'mongodb';
import type { Store } from '../../store/connection';
import { replaceOrInsert } from '../../store/concurrency';

export const RECON_RUN_STATE_COLLECTION = 'reconRunState';
const CHUNK_BYTES = 4 * 1024 * 1024;

interface StateDoc {
  _id: string;
  run: string;
  /** Head: number of chunks; chunk: the bytes. */
  chunks?: number;
  data?: Binary;
}

const col = (store: Store): Collection<StateDoc> => store.hubDb.collection<StateDoc>(RECON_RUN_STATE_COLLECTION);

export async function saveState(store: Store, run: string, name: string, value: unknown): Promise<void> {
  const bytes = deflateRawSync(Buffer.from(JSON.stringify(value), 'utf8'));
  const n = Math.max(1, Math.ceil(bytes.length / CHUNK_BYTES));
  for (let i = 0; i < n; i++) {
    const data = new Binary(bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
    await replaceOrInsert(col(store), { _id: `${run}|${name}|${i}`, run, data });
  }
  await replaceOrInsert(col(store), { _id: `${run}|${name}`, run, chunks: n });
}

export async function loadState<T>(store: Store, run: string, name: string): Promise<T | null> {
  const head = await col(store).findOne({ _id: `${run}|${name}` });
  if (!head?.chunks) return null;
  const parts: Buffer[] = [];
  for (let i = 0; i < head.chunks; i++) {
    const c = await col(store).findOne({ _id: `${run}|${name}|${i}` });
    if (!c?.data) return null;
    parts.push(Buffer.from(c.data.buffer));
  }
  return JSON.parse(inflateRawSync(Buffer.concat(parts)).toString('utf8')) as T;
}

/** Removes a run's saved state (the collection is small: a scan is fine). */
export async function dropState(store: Store, run: string): Promise<void> {
  await col(store).deleteMany({ run });
}
