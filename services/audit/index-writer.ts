import { performance } from 'node:perf_hooks';
import type { AnyBulkWriteOperation, WriteConcernSettings } from 'mongodb';
import {
  ACCESS_LOG_MAX,
  INDEX_BULK_CHUNK,
  bucketDocId,
  bucketOf,
  trimCheckEvery,
  trimCitizen,
  type AccessLogEntry,
  type AccessLogIndexDoc,
  type IndexCollection,
} from './access-log';

/**
 * The index worker's writes (indexer.ts) into the access-log index (access-log.ts's layout: a
 * bucket document per citizen and ten minutes, and a head per citizen listing the buckets with
 * their counts). Per pass: one `$push` per citizen and bucket; a head is written at once only
 * when one of its citizen's buckets is new (the pushes' upserts say which), since a reader finds
 * buckets through the head; the counts of entries added to buckets the head already lists are
 * kept here and written together later (every `countFlushMs`, or beyond `maxDeferred` citizens,
 * and when the worker stops): they only decide when a citizen's log is trimmed, and the bound
 * counts them meanwhile. A citizen read over and over (a household member named in every read of
 * the household) costs one statement per pass instead of two. A process that dies loses the
 * counts it held: its citizens' logs are trimmed a little later.
 */
export class AccessLogIndexWriter {
  /** Write commands issued (bulkWrites, trims, count flushes). */
  commands = 0;
  /** Head counts not written yet: citizen → bucket → entries. */
  private readonly deferred = new Map<string, Map<string, number>>();
  private deferredSince = 0;
  private readonly wc: { writeConcern?: WriteConcernSettings };

  constructor(
    private readonly coll: IndexCollection,
    private readonly opts: {
      writeConcern?: WriteConcernSettings;
      /** Default 30 s. */
      countFlushMs?: number;
      /** Default 10,000 citizens. */
      maxDeferred?: number;
      random?: () => number;
    } = {},
  ) {
    this.wc = opts.writeConcern ? { writeConcern: opts.writeConcern } : {};
  }

  /**
   * Adds entries (each citizen's list oldest first). `touched`: buckets (by citizen) a cut-short
   * pass may have created without listing them in the head: listed now whatever is added.
   */
  async write(
    byCitizen: ReadonlyMap<string, AccessLogEntry[]>,
    opts: { max?: number; touched?: ReadonlyMap<string, ReadonlySet<string>> } = {},
  ): Promise<void> {
    const max = Math.max(1, opts.max ?? ACCESS_LOG_MAX);
    const added = new Map<string, Map<string, number>>();
    const pushes: AnyBulkWriteOperation<AccessLogIndexDoc>[] = [];
    for (const [citizenId, entries] of byCitizen) {
      const buckets = new Map<string, AccessLogEntry[]>();
      for (const e of entries.slice(-max)) {
        const b = bucketOf(e.at);
        const list = buckets.get(b);
        if (list) list.push(e);
        else buckets.set(b, [e]);
      }
      if (!buckets.size) continue;
      const counts = new Map<string, number>();
      for (const [b, list] of buckets) {
        pushes.push({
          updateOne: {
            filter: { _id: bucketDocId(citizenId, b) },
            update: { $push: { e: { $each: list } } },
            upsert: true,
          },
        });
        counts.set(b, list.length);
      }
      added.set(citizenId, counts);
    }
    const created = new Set<string>();
    for (let i = 0; i < pushes.length; i += INDEX_BULK_CHUNK) {
      this.commands++;
      const r = await this.coll.bulkWrite(pushes.slice(i, i + INDEX_BULK_CHUNK), { ordered: true, ...this.wc });
      // By `_id` (FerretDB reports the upserts' positions wrongly).
      for (const id of Object.values(r.upsertedIds)) created.add(String(id));
    }
    for (const [citizenId, buckets] of opts.touched ?? []) {
      const counts = added.get(citizenId) ?? new Map<string, number>();
      for (const b of buckets) if (!counts.has(b)) counts.set(b, 0);
      added.set(citizenId, counts);
    }
    const heads: AnyBulkWriteOperation<AccessLogIndexDoc>[] = [];
    for (const [citizenId, counts] of added) {
      const touched = opts.touched?.get(citizenId);
      const now = [...counts.keys()].some((b) => created.has(bucketDocId(citizenId, b)) || touched?.has(b));
      if (!now) {
        this.defer(citizenId, counts);
        continue;
      }
      const inc: Record<string, number> = {};
      for (const [b, n] of [...(this.deferred.get(citizenId) ?? []), ...counts])
        inc[`h.${b}`] = (inc[`h.${b}`] ?? 0) + n;
      this.deferred.delete(citizenId);
      heads.push({ updateOne: { filter: { _id: citizenId }, update: { $inc: inc }, upsert: true } });
    }
    await this.bulk(heads);
    const countFlushMs = this.opts.countFlushMs ?? 30_000;
    if (
      this.deferred.size > (this.opts.maxDeferred ?? 10_000) ||
      (this.deferred.size && performance.now() - this.deferredSince >= countFlushMs)
    ) {
      await this.flushCounts();
    }
    await this.bound(added, max);
  }

  /** Writes the counts held back (the worker stops, or they are due). */
  async flushCounts(): Promise<void> {
    const heads: AnyBulkWriteOperation<AccessLogIndexDoc>[] = [];
    for (const [citizenId, counts] of this.deferred) {
      const inc: Record<string, number> = {};
      for (const [b, n] of counts) inc[`h.${b}`] = n;
      heads.push({ updateOne: { filter: { _id: citizenId }, update: { $inc: inc }, upsert: true } });
    }
    this.deferred.clear();
    await this.bulk(heads);
  }

  private defer(citizenId: string, counts: ReadonlyMap<string, number>): void {
    if (!this.deferred.size) this.deferredSince = performance.now();
    let held = this.deferred.get(citizenId);
    if (!held) this.deferred.set(citizenId, (held = new Map<string, number>()));
    for (const [b, n] of counts) held.set(b, (held.get(b) ?? 0) + n);
  }

  private async bulk(ops: AnyBulkWriteOperation<AccessLogIndexDoc>[]): Promise<void> {
    for (let i = 0; i < ops.length; i += INDEX_BULK_CHUNK) {
      this.commands++;
      await this.coll.bulkWrite(ops.slice(i, i + INDEX_BULK_CHUNK), { ordered: true, ...this.wc });
    }
  }

  /** After k entries for a citizen, with probability min(1, k / checkEvery), its bound is checked. */
  private async bound(added: ReadonlyMap<string, ReadonlyMap<string, number>>, max: number): Promise<void> {
    const random = this.opts.random ?? Math.random;
    const checkEvery = trimCheckEvery(max);
    for (const [citizenId, counts] of added) {
      const k = [...counts.values()].reduce((a, b) => a + b, 0);
      if (k === 0 || random() >= k / checkEvery) continue;
      const pending = this.deferred.get(citizenId);
      const r = await trimCitizen(this.coll, citizenId, { max, writeConcern: this.opts.writeConcern, pending });
      this.commands += r.writes;
      // Those buckets' counts were just written (or the buckets deleted).
      for (const b of r.buckets) pending?.delete(b);
    }
  }
}
