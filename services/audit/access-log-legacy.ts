import type { Collection } from 'mongodb';
import type { Store } from '../../store/connection';
import { readToEnd } from '../../store/cursors';
import type { AccessLogEntry } from './model';

/**
 * The access-log index's layouts before 2026-12-05, in `hubindex.auditByCitizen`: no longer
 * written, still read (a citizen's log keeps its lines across the upgrade) and swept by the
 * retention. The entries in one document per citizen and ten minutes (a *bucket*: `_id` =
 * `<citizenId>|<yyyymmddhhm>` UTC, m = the tens of the minute, `{e: [...]}`), and a head document
 * per citizen (`_id` = `<citizenId>`, `{h: {<bucket>: count}}`) saying which buckets hold entries.
 * Buckets were an hour long before (`<yyyymmddhh>`; a key that is a prefix of another sorts before
 * it, which is also their order in time), and heads of the first layout hold their entries in
 * `entries`. Every update of a bucket rewrote the whole document in the embedded store, one SQLite
 * transaction each: the reason for the insert-only layout of access-log.ts.
 */
export const LEGACY_ACCESS_LOG_COLLECTION = 'auditByCitizen';

/** A citizen's head: how many entries each bucket's document holds (and entries of the first layout). */
export interface CitizenHeadDoc {
  _id: string;
  h?: Record<string, number>;
  /** The first layout, before buckets: entries kept in the head. */
  entries?: AccessLogEntry[];
  n?: number;
}

/** One bucket (ten minutes) of a citizen's entries. */
export interface CitizenBucketDoc {
  _id: string;
  e: AccessLogEntry[];
}

export type LegacyIndexDoc = CitizenHeadDoc | CitizenBucketDoc;

export function legacyAccessLogCollection(store: Store): Collection<LegacyIndexDoc> {
  return store.indexDb.collection<LegacyIndexDoc>(LEGACY_ACCESS_LOG_COLLECTION);
}

/** The bucket of an instant: `yyyymmddhhm` (UTC; m = the tens of the minute). */
export function bucketOf(at: Date): string {
  return new Date(at).toISOString().slice(0, 15).replace(/[-T:]/g, '');
}

/** `_id` of a citizen's bucket document. */
export const bucketDocId = (citizenId: string, bucket: string) => `${citizenId}|${bucket}`;

/**
 * A citizen's entries in the old layouts, newest buckets first, until more than `enough` of them
 * pass `counts` (or all are read); bounded by the buckets of `upTo` and `from` (instants).
 */
export async function readLegacyEntries(
  store: Store,
  citizenId: string,
  opts: { upTo: Date | null; from: Date | null; enough: number; counts: (e: AccessLogEntry) => boolean },
): Promise<AccessLogEntry[]> {
  const coll = legacyAccessLogCollection(store);
  const head = await coll.findOne<CitizenHeadDoc>({ _id: citizenId });
  if (!head) return [];
  const upTo = opts.upTo ? bucketOf(opts.upTo) : null;
  const fromBucket = opts.from ? bucketOf(opts.from) : null;
  const buckets = Object.keys(head.h ?? {})
    .filter((h) => upTo === null || h <= upTo)
    .filter((h) => fromBucket === null || h >= fromBucket || fromBucket.startsWith(h))
    .sort((a, b) => (a < b ? 1 : -1));
  const out = [...(head.entries ?? [])];
  let n = out.filter(opts.counts).length;
  for (let i = 0; i < buckets.length && n <= opts.enough; i += 4) {
    const docs = (await Promise.all(
      buckets.slice(i, i + 4).map((h) => coll.findOne({ _id: bucketDocId(citizenId, h) })),
    )) as Array<CitizenBucketDoc | null>;
    for (const d of docs) {
      for (const e of d?.e ?? []) {
        out.push(e);
        if (opts.counts(e)) n++;
      }
    }
  }
  return out;
}

/** Retention: deletes the old layouts' buckets older than the cutoff and drops them from their heads. */
export async function trimLegacyAccessLog(store: Store, cutoff: Date): Promise<number> {
  const cut = bucketOf(cutoff);
  const old = (bucket: string) => bucket < cut.slice(0, bucket.length);
  const col = legacyAccessLogCollection(store);
  const buckets: string[] = [];
  const heads: Array<{ id: string; unset: string[]; entries?: unknown[] }> = [];
  const cursor = col.find({}, { projection: { _id: 1, h: 1, entries: 1 } });
  for await (const d of readToEnd(cursor)) {
    const id = String(d._id);
    const bar = id.indexOf('|');
    if (bar >= 0) {
      if (old(id.slice(bar + 1))) buckets.push(id);
      continue;
    }
    const h = (d as CitizenHeadDoc).h ?? {};
    const unset = Object.keys(h)
      .filter(old)
      .map((b) => `h.${b}`);
    const legacy = (d as CitizenHeadDoc).entries;
    const kept = legacy?.filter((e) => new Date(e.at).getTime() >= cutoff.getTime());
    if (unset.length || (legacy && kept && kept.length !== legacy.length)) heads.push({ id, unset, entries: kept });
  }
  // (The embedded store scans the collection for an `$in`: few, large batches.)
  for (let i = 0; i < buckets.length; i += 5_000) {
    await col.deleteMany({ _id: { $in: buckets.slice(i, i + 5_000) } });
  }
  for (const h of heads) {
    const update: Record<string, unknown> = {};
    if (h.unset.length) update.$unset = Object.fromEntries(h.unset.map((k) => [k, '']));
    if (h.entries) update.$set = { entries: h.entries };
    await col.updateOne({ _id: h.id }, update);
  }
  return buckets.length;
}
