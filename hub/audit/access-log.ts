import type { AnyBulkWriteOperation, Collection, WriteConcernSettings } from 'mongodb';
import type { DocumentScope } from '../auth/principal';
import type { Store } from '../store/connection';
import type { AuditActor, AuditRecordDoc } from './types';

/**
 * The citizen's "who read my data" page, from a per-citizen index derived from the
 * audit records: one document per citizen in `hub.auditByCitizen`,
 * `{_id: citizenId, n, entries: [...]}` (entries oldest first, at most
 * {@link ACCESS_LOG_MAX}). FerretDB only pushes `_id` equality down, so the page is
 * one `_id` lookup.
 *
 * The index is written by the AuditWriter after the audit records themselves, in one
 * bulkWrite per (coalesced) group-commit batch: see {@link writeCitizenIndex} for how
 * the size bound is kept on FerretDB v1, which silently ignores `$slice`/`$position` in
 * `$push` (and `$pull` with a condition). The index is derived data: if its write
 * fails, the audit record still stands (the writer logs it).
 */

export const AUDIT_BY_CITIZEN_COLLECTION = 'auditByCitizen';
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
  /** Documents (scopes) of this citizen disclosed in that request. */
  documents: DocumentScope[];
}

interface CitizenIndexDoc {
  _id: string;
  n: number;
  entries: AccessLogEntry[];
}

/**
 * Access-log entries for one audit record: one per citizen who had something
 * DISCLOSED. A citizen reading their own data is not listed (the page is "who else
 * read my data") unless `includeSelf`.
 */
export function accessLogEntriesFor(
  record: AuditRecordDoc,
  opts: { includeSelf?: boolean } = {},
): Array<{ citizenId: string; entry: AccessLogEntry }> {
  const out: Array<{ citizenId: string; entry: AccessLogEntry }> = [];
  const a = record.actor;
  for (const c of record.citizens ?? []) {
    const documents = [...new Set(c.disclosed.filter((d) => d.paths.length > 0).map((d) => d.scope))];
    if (documents.length === 0) continue;
    if (!opts.includeSelf && a.kind === 'CITIZEN' && a.id === c.citizenId) continue;
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
    out.push({ citizenId: c.citizenId, entry });
  }
  return out;
}

/** Most statements per bulkWrite command (FerretDB v1.24 hangs on an update command of 100 or more). */
export const INDEX_BULK_CHUNK = 90;

type IndexCollection = Collection<CitizenIndexDoc>;

/**
 * The bulkWrite operations that add `byCitizen` entries (each list oldest first) to
 * the index: one upsert per citizen, `$push` with `$each` and `$inc: {n}`.
 */
export function citizenIndexOps(
  byCitizen: Map<string, AccessLogEntry[]>,
  max = ACCESS_LOG_MAX,
): AnyBulkWriteOperation<CitizenIndexDoc>[] {
  const ops: AnyBulkWriteOperation<CitizenIndexDoc>[] = [];
  for (const [citizenId, entries] of byCitizen) {
    if (entries.length === 0) continue;
    const kept = entries.slice(-max);
    ops.push({
      updateOne: {
        filter: { _id: citizenId },
        update: { $push: { entries: { $each: kept } }, $inc: { n: kept.length } },
        upsert: true,
      },
    });
  }
  return ops;
}

/**
 * Writes a batch of access-log entries: the pushes in bulkWrites of at most
 * {@link INDEX_BULK_CHUNK} statements, then the bound. FerretDB v1 ignores `$slice`
 * in `$push` (and reports wrong indexes in bulk write errors), so the bound is kept
 * by sampled checks: after pushing k entries for a citizen, with probability
 * min(1, k / checkEvery) the writer reads `n` (an `_id` lookup) and, when it exceeds
 * `max + slack`, trims the document back to the newest `max` entries with an
 * optimistic read-modify-write (`{_id, n}` filter, a few retries). With max = 500
 * (slack 50, checkEvery 25) a document practically never holds more than ~800
 * entries, and a trim happens about once per 50 new entries of a citizen.
 * Returns how many write commands were issued.
 */
export async function writeCitizenIndex(
  coll: IndexCollection,
  byCitizen: Map<string, AccessLogEntry[]>,
  opts: { max?: number; writeConcern?: WriteConcernSettings; random?: () => number } = {},
): Promise<number> {
  const max = Math.max(1, opts.max ?? ACCESS_LOG_MAX);
  const slack = Math.ceil(max / 10);
  const checkEvery = Math.max(1, Math.floor(slack / 2));
  const random = opts.random ?? Math.random;
  const wc = opts.writeConcern ? { writeConcern: opts.writeConcern } : {};
  let writes = 0;
  const ops = citizenIndexOps(byCitizen, max);
  for (let i = 0; i < ops.length; i += INDEX_BULK_CHUNK) {
    writes++;
    await coll.bulkWrite(ops.slice(i, i + INDEX_BULK_CHUNK), { ordered: true, ...wc });
  }
  const toCheck = [...byCitizen].filter(([, e]) => e.length > 0 && random() < e.length / checkEvery).map(([id]) => id);
  for (const citizenId of toCheck) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const doc = await coll.findOne({ _id: citizenId });
      if (!doc || !Array.isArray(doc.entries) || (doc.n ?? 0) <= max + slack) break;
      const entries = doc.entries.slice(-max);
      writes++;
      const r = await coll.updateOne({ _id: citizenId, n: doc.n }, { $set: { entries, n: entries.length } }, wc);
      if (r.matchedCount > 0) break;
    }
  }
  return writes;
}

/** An `after` cursor that was not produced by {@link readAccessLog}. */
export class InvalidCursorError extends Error {
  readonly code = 'BAD_USER_INPUT';
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
      return [v[1] as number, v[2] as string, v[3] as number];
    }
  } catch {
    /* fall through */
  }
  throw new InvalidCursorError();
}

/**
 * One page of who read `citizenId`'s data, newest first. `first` defaults to 20 and is
 * clamped to 1..{@link ACCESS_LOG_PAGE_MAX}; `after` is an `endCursor` from a
 * previous page (throws {@link InvalidCursorError} on anything else).
 */
export async function readAccessLog(
  store: Store,
  citizenId: string,
  opts: { first?: number | null; after?: string | null } = {},
): Promise<AccessLogPage> {
  const first = Math.min(Math.max(Math.trunc(opts.first ?? 20), 1), ACCESS_LOG_PAGE_MAX);
  const after = opts.after ? decodeCursor(opts.after) : null;
  if (typeof citizenId !== 'string' || citizenId.length === 0)
    return { entries: [], hasNextPage: false, endCursor: null };
  const doc = await store.hubDb
    .collection<CitizenIndexDoc>(AUDIT_BY_CITIZEN_COLLECTION)
    .findOne({ _id: citizenId }, { projection: { entries: 1 } });
  const all = (doc?.entries ?? []).map((e) => ({ e, k: keyOf(e) }));
  all.sort((a, b) => compareKeys(a.k, b.k));
  const start = after ? all.findIndex((x) => compareKeys(x.k, after) > 0) : 0;
  const rest = start < 0 ? [] : all.slice(start);
  const page = rest.slice(0, first);
  return {
    entries: page.map((x) => ({ ...x.e, at: new Date(x.e.at) })),
    hasNextPage: rest.length > first,
    endCursor: page.length ? encodeCursor(page[page.length - 1].k) : null,
  };
}
