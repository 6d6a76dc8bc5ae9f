import type { AnyBulkWriteOperation, Collection, WriteConcernSettings } from 'mongodb';
import type { Store } from '../../store/connection';
import type { AuditActor, AuditRecordDoc, DataKind } from './model';
import { ErrorCode } from '../../lib/errors';

/**
 * The citizen's "who read my data" page, from a per-citizen index derived from the
 * audit records, in `hubindex.auditByCitizen` (a database of its own: see Store.indexDb): the
 * entries in one document per citizen and ten minutes (a *bucket*: `_id` =
 * `<citizenId>|<yyyymmddhhm>` UTC, m = the tens of the minute, `{e: [...]}`), and a head document
 * per citizen (`_id` = `<citizenId>`, `{h: {<bucket>: count}}`) saying which buckets hold
 * entries. FerretDB only pushes `_id` equality down, so a page is a few `_id` lookups; and since
 * the embedded store rewrites a whole document on every update (holding SQLite's write lock),
 * each write touches only small documents (the bucket's entries, the head), however long the
 * citizen's log. Buckets were an hour long before (`<yyyymmddhh>`: still read and trimmed; a key
 * that is a prefix of another sorts before it, which is also their order in time), and heads of
 * the first layout hold their entries in `entries`: still read, dropped first when trimming.
 *
 * Ten minutes, not an hour: a citizen whose papers are read often (or whose household's are:
 * every member's access log gets a line) had an hour document of up to ~100 KB rewritten on
 * each new line; a ten-minute one holds a sixth of that.
 *
 * The index is written off the request path by the tailing worker of indexer.ts (through
 * index-writer.ts), from the durable audit records, with a checkpoint per chain: the index is
 * derived data, and a failed pass is retried from its checkpoint; the audit record stands.
 */

export const AUDIT_BY_CITIZEN_COLLECTION = 'auditByCitizen';

/** The index's collection (in the store's index database, beside the hub's: see Store.indexDb). */
export function accessLogCollection(store: Store): Collection<AccessLogIndexDoc> {
  return store.indexDb.collection<AccessLogIndexDoc>(AUDIT_BY_CITIZEN_COLLECTION);
}
const PERSONAL_ID = /^\d{12}$/;

/** Entries kept per citizen. */
export const ACCESS_LOG_MAX = 500;

/** One line of a citizen's access log, as stored in the index. */
export interface AccessLogEntry {
  at: Date;
  /** The audit record it comes from. */
  chain: string;
  seq: number;
  requestId: string;
  actorKind: AuditActor['kind'];
  clientId?: string;
  clientName?: string;
  officerUnit?: string;
  purpose?: string;
  dossierRef?: string;
  /** Documents (scopes) and other kinds of this citizen's data disclosed in that request. */
  documents: DataKind[];
  /**
   * A parent or legal guardian who read the child's data acting for them: their personal ID and
   * capacity (other citizens who read someone's data, e.g. a household member named in their own
   * family document, are not named).
   */
  readerId?: string;
  capacity?: 'PARENT' | 'LEGAL_GUARDIAN';
  /** A share by QR code made (by the citizen) or redeemed (by the reader) in that request. */
  share?: { id: string; event: 'CREATED' | 'REDEEMED'; fields: string[] };
}

/** A citizen's head: how many entries each bucket's document holds (and entries of the first layout). */
interface CitizenHeadDoc {
  _id: string;
  h?: Record<string, number>;
  /** The first layout, before buckets: entries kept in the head. */
  entries?: AccessLogEntry[];
  n?: number;
}

/** One bucket (ten minutes) of a citizen's entries. */
interface CitizenBucketDoc {
  _id: string;
  e: AccessLogEntry[];
}

/** A document of the citizens' access-log index (a head or a bucket). */
export type AccessLogIndexDoc = CitizenHeadDoc | CitizenBucketDoc;
type IndexDoc = AccessLogIndexDoc;

/** The bucket of an instant: `yyyymmddhhm` (UTC; m = the tens of the minute). */
export function bucketOf(at: Date): string {
  return new Date(at).toISOString().slice(0, 15).replace(/[-T:]/g, '');
}

/** `_id` of a citizen's bucket document. */
export const bucketDocId = (citizenId: string, bucket: string) => `${citizenId}|${bucket}`;

/**
 * Access-log entries for one audit record: one per citizen who had something
 * DISCLOSED (a subject that is no 12-digit personal ID: none). A citizen reading their own data is not listed (the page is "who else
 * read my data") unless `includeSelf`. Shares by QR code are listed too (`shareEvents`): the
 * citizen's own making of one, and its redemption, named by the reader; a client redeeming a
 * share acts under no consent of this citizen, so its consent's purpose and dossier are not shown.
 */
export function accessLogEntriesFor(
  record: AuditRecordDoc,
  opts: { includeSelf?: boolean } = {},
): Array<{ citizenId: string; entry: AccessLogEntry }> {
  const out = new Map<string, AccessLogEntry>();
  const a = record.actor;
  const entryOf = (documents: DataKind[], capacity?: 'PARENT' | 'LEGAL_GUARDIAN'): AccessLogEntry => {
    const entry: AccessLogEntry = {
      at: record.at,
      chain: record.chain,
      seq: record.seq,
      requestId: record.requestId,
      actorKind: a.kind,
      documents,
    };
    if (a.clientId !== undefined) entry.clientId = a.clientId;
    if (a.clientName !== undefined) entry.clientName = a.clientName;
    if (a.officerUnit !== undefined) entry.officerUnit = a.officerUnit;
    if (a.purpose !== undefined) entry.purpose = a.purpose;
    if (a.dossierRef !== undefined) entry.dossierRef = a.dossierRef;
    // Named only in the log of the child the citizen acted for (the record's per-citizen capacity).
    if (a.kind === 'CITIZEN' && capacity !== undefined && a.id !== undefined) {
      entry.readerId = a.id;
      entry.capacity = capacity;
    }
    return entry;
  };
  for (const c of record.citizens ?? []) {
    // A subject that is no personal ID (`record:<source>:<key>`, a case with no person) has no access log.
    if (!PERSONAL_ID.test(c.citizenId)) continue;
    const documents = [...new Set(c.disclosed.filter((d) => d.paths.length > 0).map((d) => d.scope))];
    if (documents.length === 0) continue;
    if (!opts.includeSelf && a.kind === 'CITIZEN' && a.id === c.citizenId) continue;
    out.set(c.citizenId, entryOf(documents, c.capacity));
  }
  for (const s of record.shareEvents ?? []) {
    if (s.event === 'REFUSED' || !PERSONAL_ID.test(s.citizenId)) continue;
    const entry = out.get(s.citizenId) ?? entryOf([]);
    entry.documents = [...new Set([...entry.documents, ...s.papers])];
    entry.share = { id: s.shareId, event: s.event, fields: s.fields };
    if (s.event === 'REDEEMED') {
      delete entry.purpose;
      delete entry.dossierRef;
    }
    out.set(s.citizenId, entry);
  }
  return [...out].map(([citizenId, entry]) => ({ citizenId, entry }));
}

/** Most statements per bulkWrite command (FerretDB v1.24 hangs on an update command of 100 or more). */
export const INDEX_BULK_CHUNK = 90;

export type IndexCollection = Collection<IndexDoc>;

/**
 * The bulkWrite operations that add `byCitizen` entries (each list oldest first) to the index:
 * per citizen and bucket one upsert pushing the entries (`$push` with `$each`), and per citizen
 * one upsert of the head counting them (`$inc`).
 */
export function citizenIndexOps(
  byCitizen: Map<string, AccessLogEntry[]>,
  max = ACCESS_LOG_MAX,
): AnyBulkWriteOperation<IndexDoc>[] {
  const ops: AnyBulkWriteOperation<IndexDoc>[] = [];
  for (const [citizenId, entries] of byCitizen) {
    if (entries.length === 0) continue;
    const byBucket = new Map<string, AccessLogEntry[]>();
    for (const e of entries.slice(-max)) {
      const h = bucketOf(e.at);
      const list = byBucket.get(h);
      if (list) list.push(e);
      else byBucket.set(h, [e]);
    }
    const inc: Record<string, number> = {};
    for (const [bucket, list] of byBucket) {
      ops.push({
        updateOne: {
          filter: { _id: bucketDocId(citizenId, bucket) },
          update: { $push: { e: { $each: list } } },
          upsert: true,
        },
      });
      inc[`h.${bucket}`] = list.length;
    }
    ops.push({ updateOne: { filter: { _id: citizenId }, update: { $inc: inc }, upsert: true } });
  }
  return ops;
}

/** Entries pushed for a citizen per check of its bound, on average (the slack's half). */
export const trimCheckEvery = (max: number) => Math.max(1, Math.floor(Math.ceil(max / 10) / 2));

/**
 * Writes a batch of access-log entries: the pushes in bulkWrites of at most
 * {@link INDEX_BULK_CHUNK} statements, then the bound. After pushing k entries for a citizen,
 * with probability min(1, k / checkEvery) the writer reads the citizen's head and, when it
 * counts more than `max + slack` entries, deletes the oldest buckets (and the first layout's
 * entries first) while at least `max` entries remain, then trims the oldest bucket left to the
 * newest entries it needs. With max = 500 (slack 50, checkEvery 25)
 * a citizen practically never has more than ~800 entries kept. Returns how many write commands
 * were issued.
 */
export async function writeCitizenIndex(
  coll: IndexCollection,
  byCitizen: Map<string, AccessLogEntry[]>,
  opts: { max?: number; writeConcern?: WriteConcernSettings; random?: () => number } = {},
): Promise<number> {
  const max = Math.max(1, opts.max ?? ACCESS_LOG_MAX);
  const checkEvery = trimCheckEvery(max);
  const random = opts.random ?? Math.random;
  const wc = opts.writeConcern ? { writeConcern: opts.writeConcern } : {};
  let writes = 0;
  const ops = citizenIndexOps(byCitizen, max);
  for (let i = 0; i < ops.length; i += INDEX_BULK_CHUNK) {
    writes++;
    await coll.bulkWrite(ops.slice(i, i + INDEX_BULK_CHUNK), { ordered: true, ...wc });
  }
  const toCheck = [...byCitizen].filter(([, e]) => e.length > 0 && random() < e.length / checkEvery).map(([id]) => id);
  for (const citizenId of toCheck)
    writes += (await trimCitizen(coll, citizenId, { max, writeConcern: opts.writeConcern })).writes;
  return writes;
}

/**
 * The bound of one citizen's entries: reads the head and, when it counts more than `max + slack`
 * entries (with `pending`: counts of buckets not in the head yet), deletes the oldest buckets (the
 * first layout's entries first) while at least `max` entries remain, then trims the oldest bucket
 * left to the newest entries it needs. Returns the write commands issued and the buckets whose
 * count it set or removed.
 */
export async function trimCitizen(
  coll: IndexCollection,
  citizenId: string,
  opts: { max: number; writeConcern?: WriteConcernSettings; pending?: ReadonlyMap<string, number> },
): Promise<{ writes: number; buckets: string[] }> {
  const { max } = opts;
  const slack = Math.ceil(max / 10);
  const wc = opts.writeConcern ? { writeConcern: opts.writeConcern } : {};
  const out = { writes: 0, buckets: [] as string[] };
  const head = await coll.findOne<CitizenHeadDoc>({ _id: citizenId });
  if (!head) return out;
  const counts = new Map(Object.entries(head.h ?? {}));
  for (const [bucket, n] of opts.pending ?? []) counts.set(bucket, (counts.get(bucket) ?? 0) + n);
  const buckets = [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const legacy = Array.isArray(head.entries) ? head.entries.length : 0;
  let total = legacy + buckets.reduce((n, [, c]) => n + c, 0);
  if (total <= max + slack) return out;
  const unset: Record<string, ''> = {};
  if (legacy) {
    unset.entries = '';
    unset.n = '';
    total -= legacy;
  }
  const set: Record<string, number> = {};
  for (const [bucket, count] of buckets) {
    if (total <= max + slack) break;
    out.buckets.push(bucket);
    if (total - count >= max) {
      out.writes++;
      await coll.deleteOne({ _id: bucketDocId(citizenId, bucket) }, wc);
      unset[`h.${bucket}`] = '';
      total -= count;
      continue;
    }
    // The oldest bucket left holds more than needs to go: keep its newest entries.
    const doc = await coll.findOne<CitizenBucketDoc>({ _id: bucketDocId(citizenId, bucket) });
    const kept = (doc?.e ?? []).slice(total - max);
    out.writes++;
    await coll.updateOne({ _id: bucketDocId(citizenId, bucket) }, { $set: { e: kept } }, wc);
    set[`h.${bucket}`] = kept.length;
    break;
  }
  if (Object.keys(unset).length || Object.keys(set).length) {
    out.writes++;
    await coll.updateOne(
      { _id: citizenId },
      {
        ...(Object.keys(unset).length ? { $unset: unset } : {}),
        ...(Object.keys(set).length ? { $set: set } : {}),
      },
      wc,
    );
  }
  return out;
}

/**
 * The entries not in the index yet (by chain and seq), reading each citizen's bucket documents
 * once: for records a previous pass may have written in part (services/audit/indexer.ts).
 */
export async function withoutIndexed(
  coll: IndexCollection,
  byCitizen: Map<string, AccessLogEntry[]>,
): Promise<Map<string, AccessLogEntry[]>> {
  const key = (e: AccessLogEntry) => `${e.chain}:${e.seq}`;
  const out = new Map<string, AccessLogEntry[]>();
  for (const [citizenId, entries] of byCitizen) {
    const buckets = [...new Set(entries.map((e) => bucketOf(e.at)))];
    const docs = await Promise.all(
      buckets.map((b) => coll.findOne({ _id: bucketDocId(citizenId, b) }) as Promise<CitizenBucketDoc | null>),
    );
    const there = new Set(docs.flatMap((d) => (d?.e ?? []).map(key)));
    const fresh = entries.filter((e) => !there.has(key(e)));
    if (fresh.length) out.set(citizenId, fresh);
  }
  return out;
}

/** An `after` cursor that was not produced by {@link readAccessLog}. */
export class InvalidCursorError extends Error {
  readonly code = ErrorCode.BAD_USER_INPUT;
  constructor() {
    super('invalid access-log cursor');
    this.name = 'InvalidCursorError';
  }
}

export interface AccessLogPage {
  /** Newest first. */
  entries: AccessLogEntry[];
  hasNextPage: boolean;
  /** Cursor of the last entry of this page (pass as `after`); null when empty. */
  endCursor: string | null;
}

export const ACCESS_LOG_PAGE_MAX = 100;

type Key = [at: number, chain: string, seq: number];

function keyOf(e: AccessLogEntry): Key {
  return [new Date(e.at).getTime(), e.chain, e.seq];
}

/** Newest first; ties (same millisecond) by chain, then seq descending. */
function compareKeys(a: Key, b: Key): number {
  if (a[0] !== b[0]) return b[0] - a[0];
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return b[2] - a[2];
}

function encodeCursor(k: Key): string {
  return Buffer.from(JSON.stringify(['al1', ...k]), 'utf8').toString('base64url');
}

function decodeCursor(s: string): Key {
  try {
    if (s.length > 512) throw new Error();
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 4 &&
      v[0] === 'al1' &&
      Number.isSafeInteger(v[1]) &&
      typeof v[2] === 'string' &&
      Number.isSafeInteger(v[3])
    ) {
      return [v[1] as number, v[2], v[3] as number];
    }
  } catch {
    /* fall through */
  }
  throw new InvalidCursorError();
}

/** What a page of the access log may be narrowed to (the same on every page of a listing). */
export interface AccessLogFilter {
  /** Only entries that disclosed any of these kinds of data. */
  documents?: readonly string[] | null;
  /** Only entries at or after this instant. */
  from?: Date | null;
  /** Only entries at or before this instant. */
  to?: Date | null;
}

function entryFilter(f: AccessLogFilter): (e: AccessLogEntry) => boolean {
  const from = f.from ? f.from.getTime() : -Infinity;
  const to = f.to ? f.to.getTime() : Infinity;
  const kinds = f.documents?.length ? new Set<string>(f.documents) : null;
  return (e) => {
    const at = new Date(e.at).getTime();
    return at >= from && at <= to && (kinds === null || e.documents.some((d) => kinds.has(d)));
  };
}

/**
 * One page of who read `citizenId`'s data, newest first. `first` defaults to 20 and is
 * clamped to 1..{@link ACCESS_LOG_PAGE_MAX}; `after` is an `endCursor` from a
 * previous page (throws {@link InvalidCursorError} on anything else); the filter narrows the
 * entries (give the same one on every page); `pending`: entries not in the index yet
 * (services/audit/indexer.ts's `pendingAccessLog`), merged in.
 */
export async function readAccessLog(
  store: Store,
  citizenId: string,
  opts: { first?: number | null; after?: string | null; pending?: readonly AccessLogEntry[] } & AccessLogFilter = {},
): Promise<AccessLogPage> {
  const first = Math.min(Math.max(Math.trunc(opts.first ?? 20), 1), ACCESS_LOG_PAGE_MAX);
  const after = opts.after ? decodeCursor(opts.after) : null;
  if (typeof citizenId !== 'string' || citizenId.length === 0)
    return { entries: [], hasNextPage: false, endCursor: null };
  const coll = accessLogCollection(store);
  const head = await coll.findOne<CitizenHeadDoc>({ _id: citizenId });
  // Buckets newest first; those wholly after the cursor's bucket or `to`, or wholly before `from`,
  // are not even read (a bucket key that is a prefix of another is the older layout's hour).
  const upTo = [after ? bucketOf(new Date(after[0])) : null, opts.to ? bucketOf(opts.to) : null]
    .filter((b): b is string => b !== null)
    .sort()[0];
  const fromBucket = opts.from ? bucketOf(opts.from) : null;
  const buckets = Object.keys(head?.h ?? {})
    .filter((h) => upTo === undefined || h <= upTo)
    .filter((h) => fromBucket === null || h >= fromBucket || fromBucket.startsWith(h))
    .sort((a, b) => (a < b ? 1 : -1));
  const matches = entryFilter(opts);
  // Entries of records this process made durable and has not indexed yet (read-your-writes).
  const all = [...(head?.entries ?? []), ...(opts.pending ?? [])].filter(matches).map((e) => ({ e, k: keyOf(e) }));
  const newer = (k: Key) => !after || compareKeys(k, after) > 0;
  let enough = all.filter((x) => newer(x.k)).length;
  for (let i = 0; i < buckets.length && enough <= first; i += 4) {
    // A few buckets at a time, in parallel: usually the first read fills the page.
    const docs = await Promise.all(
      buckets
        .slice(i, i + 4)
        .map((h) => coll.findOne({ _id: bucketDocId(citizenId, h) }) as Promise<CitizenBucketDoc | null>),
    );
    for (const d of docs) {
      for (const e of d?.e ?? []) {
        if (!matches(e)) continue;
        const x = { e, k: keyOf(e) };
        all.push(x);
        if (newer(x.k)) enough++;
      }
    }
  }
  all.sort((a, b) => compareKeys(a.k, b.k));
  // A pending entry may have been indexed meanwhile: once.
  for (let i = all.length - 1; i > 0; i--) if (compareKeys(all[i].k, all[i - 1].k) === 0) all.splice(i, 1);
  const start = after ? all.findIndex((x) => compareKeys(x.k, after) > 0) : 0;
  const rest = start < 0 ? [] : all.slice(start);
  const page = rest.slice(0, first);
  return {
    entries: page.map((x) => ({ ...x.e, at: new Date(x.e.at) })),
    hasNextPage: rest.length > first,
    endCursor: page.length ? encodeCursor(page[page.length - 1].k) : null,
  };
}
