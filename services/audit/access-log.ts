import type { AbstractCursor, Collection, WriteConcernSettings } from 'mongodb';
import { isDuplicateKey } from '../../store/concurrency';
import { readToEnd } from '../../store/cursors';
import type { Store } from '../../store/connection';
import { AUDIT_BY_CITIZEN_ENTRIES } from '../../store/localdb';
import type { AccessLogEntry, AuditRecordDoc, DataKind } from './model';

export type { AccessLogEntry } from './model';
import { ErrorCode } from '../../lib/errors';
import { msKey } from '../../lib/ids';
import { readLegacyEntries } from './access-log-legacy';

/**
 * The citizen's "who read my data" page, from a per-citizen index derived from the audit records
 * (by the tailing worker of indexer.ts, off the request path), in
 * `hubindex.auditByCitizenEntries` (a database of its own: see Store.indexDb): **one small
 * document per entry**, `_id` = `<citizenId>|<13-digit ms>|<chain>|<seq>`, the entry's fields
 * beside it. The index is insert-only: a pass of the worker adds its entries in insert commands
 * (the embedded store writes all of one command's documents in one SQLite transaction), and the
 * `_id` is the entry's identity, so writing a record's entries again (a pass cut short, then
 * retried) adds nothing (duplicate keys are ignored). A citizen's entries are one `_id` range,
 * in time order: a page reads the newest time windows of that range (the embedded store serves an
 * `_id` string range from an index for this collection: localdb/patch/README.md), the bound per
 * citizen deletes the range's oldest part, and the retention deletes by `at`.
 *
 * Before 2026-12-05 the index was a document per citizen and ten minutes updated in place
 * (access-log-legacy.ts): still read, no longer written. Each of its updates rewrote a whole
 * document in its own transaction, and they were 39 % of the store's CPU under load.
 */

/** The embedded store serves string ranges of its `_id` from an index (store/localdb.ts). */
export const ACCESS_LOG_COLLECTION = AUDIT_BY_CITIZEN_ENTRIES;

/** One entry as stored: its `_id` ({@link entryDocId}) and the entry. */
export type AccessLogEntryDoc = AccessLogEntry & { _id: string };
export type IndexCollection = Collection<AccessLogEntryDoc>;

/** The index's collection (in the store's index database, beside the hub's: see Store.indexDb). */
export function accessLogCollection(store: Store): IndexCollection {
  return store.indexDb.collection<AccessLogEntryDoc>(ACCESS_LOG_COLLECTION);
}

const PERSONAL_ID = /^\d{12}$/;

/** Entries kept per citizen. */
export const ACCESS_LOG_MAX = 500;

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

/** `_id` of an entry in a citizen's log. */
export function entryDocId(citizenId: string, e: AccessLogEntry): string {
  return `${citizenId}|${msKey(new Date(e.at).getTime())}|${e.chain}|${e.seq}`;
}

/** The `_id` bounds of a citizen's entries from `fromMs` (inclusive) to `toMs` (exclusive); null: open. */
export function citizenRange(citizenId: string, fromMs: number | null, toMs: number | null) {
  // Every `_id` of the citizen starts with `<citizenId>|` and a digit; ':' sorts after the digits.
  return {
    $gte: fromMs === null ? `${citizenId}|` : `${citizenId}|${msKey(fromMs)}`,
    $lt: toMs === null ? `${citizenId}|:` : `${citizenId}|${msKey(toMs)}`,
  };
}

/** Every document of a cursor, or an error: never a list cut short by a closed client (store/cursors.ts). */
async function allOf<T>(cursor: AbstractCursor<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const d of readToEnd(cursor)) out.push(d);
  return out;
}

/** Documents per insert command. */
export const INDEX_INSERT_CHUNK = 1_000;

/** Entries for a citizen per check of its bound, on average (the slack's half). */
export const trimCheckEvery = (max: number) => Math.max(1, Math.floor(Math.ceil(max / 10) / 2));

function onlyDuplicates(e: unknown): boolean {
  const w = (e as { writeErrors?: unknown }).writeErrors;
  const list: unknown[] = Array.isArray(w) ? w : w ? [w] : [];
  // A write-concern error in the same reply is not swallowed with the duplicates.
  const r = e as { writeConcernError?: unknown; result?: { getWriteConcernError?: () => unknown } };
  const wce = r.writeConcernError ?? r.result?.getWriteConcernError?.();
  return !wce && isDuplicateKey(e) && list.length > 0 && list.every(isDuplicateKey);
}

/**
 * Adds entries (by citizen) to the index in unordered insert commands of at most
 * {@link INDEX_INSERT_CHUNK} documents; an entry already there (same `_id`: a retried pass) is
 * left as it is. Returns how many insert commands were sent.
 */
export async function insertEntries(
  coll: IndexCollection,
  byCitizen: ReadonlyMap<string, readonly AccessLogEntry[]>,
  opts: { writeConcern?: WriteConcernSettings } = {},
): Promise<number> {
  const docs: AccessLogEntryDoc[] = [];
  // Object.assign, not a spread: on Node 20 a spread copy given one more property gets a map of
  // its own, made in the old generation, per document (docs/benchmarks.md, tenth session).
  for (const [citizenId, entries] of byCitizen)
    for (const e of entries) docs.push(Object.assign({}, e, { _id: entryDocId(citizenId, e) }));
  const wc = opts.writeConcern ? { writeConcern: opts.writeConcern } : {};
  let commands = 0;
  for (let i = 0; i < docs.length; i += INDEX_INSERT_CHUNK) {
    commands++;
    try {
      await coll.insertMany(docs.slice(i, i + INDEX_INSERT_CHUNK), { ordered: false, ...wc });
    } catch (e) {
      if (!onlyDuplicates(e)) throw e;
    }
  }
  return commands;
}

/**
 * The bound of one citizen's entries: when more than `max + slack` (slack = max / 10) are kept,
 * the oldest are deleted (one `_id` range) down to the newest `max`. The store counts them and
 * finds the cut, so the hub reads one number (and one `_id` when over), not every `_id`. Returns
 * the write commands sent.
 */
export async function trimCitizen(
  coll: IndexCollection,
  citizenId: string,
  opts: { max: number; writeConcern?: WriteConcernSettings },
): Promise<number> {
  const slack = Math.ceil(opts.max / 10);
  const range = { _id: citizenRange(citizenId, null, null) };
  if ((await coll.countDocuments(range)) <= opts.max + slack) return 0;
  // The oldest entry kept: the max-th newest.
  const [keep] = await allOf(
    coll
      .find(range, { projection: { _id: 1 } })
      .sort({ _id: -1 })
      .skip(opts.max - 1)
      .limit(1),
  );
  if (!keep) return 0;
  const wc = opts.writeConcern ? { writeConcern: opts.writeConcern } : {};
  await coll.deleteMany({ _id: { $gte: `${citizenId}|`, $lt: keep._id } }, wc);
  return 1;
}

/**
 * Writes a batch of access-log entries ({@link insertEntries}), then the bound: after k entries
 * for a citizen, with probability min(1, k / checkEvery), {@link trimCitizen}. With max = 500
 * (slack 50, checkEvery 25) a citizen practically never has more than ~600 entries kept. Returns
 * how many write commands were issued.
 */
export async function writeCitizenIndex(
  coll: IndexCollection,
  byCitizen: ReadonlyMap<string, readonly AccessLogEntry[]>,
  opts: { max?: number; writeConcern?: WriteConcernSettings; random?: () => number } = {},
): Promise<number> {
  const max = Math.max(1, opts.max ?? ACCESS_LOG_MAX);
  const checkEvery = trimCheckEvery(max);
  const random = opts.random ?? Math.random;
  // More than `max` for one citizen at once: only the newest `max` would be kept anyway.
  const kept = new Map([...byCitizen].map(([c, e]) => [c, e.length > max ? e.slice(-max) : e] as const));
  let writes = await insertEntries(coll, kept, opts);
  for (const [citizenId, e] of kept) {
    if (e.length > 0 && random() < e.length / checkEvery)
      writes += await trimCitizen(coll, citizenId, { max, writeConcern: opts.writeConcern });
  }
  return writes;
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
      Math.abs(v[1] as number) <= 8.64e15 &&
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

const DAY_MS = 86_400_000;

/**
 * The time windows a page reads, newest first: `[from, to)` in ms (null: open), the first a day
 * long (ending at `toMs`, or open after `now`), each next eight times longer, the last reaching
 * `fromMs` (or open before).
 */
export function* timeWindows(
  toMs: number | null,
  fromMs: number | null,
  now: number,
): Generator<{ from: number | null; to: number | null }> {
  let to = toMs;
  let length = DAY_MS;
  for (;;) {
    const lo = (to ?? now) - length;
    if (fromMs !== null && lo <= fromMs) {
      if (to === null || to > fromMs) yield { from: fromMs, to };
      return;
    }
    if (lo <= 0 || length > 100 * 365 * DAY_MS) {
      yield { from: fromMs, to };
      return;
    }
    yield { from: lo, to };
    to = lo;
    length *= 8;
  }
}

/**
 * One page of who read `citizenId`'s data, newest first. `first` defaults to 20 and is
 * clamped to 1..{@link ACCESS_LOG_PAGE_MAX}; `after` is an `endCursor` from a
 * previous page (throws {@link InvalidCursorError} on anything else); the filter narrows the
 * entries (give the same one on every page); `pending`: entries not in the index yet
 * (services/audit/indexer.ts's `pendingAccessLog`), merged in. Reads the citizen's range in
 * windows going back in time (a day, then eight times longer each) until the page is full, and
 * the old layouts' documents (access-log-legacy.ts).
 */
export async function readAccessLog(
  store: Store,
  citizenId: string,
  opts: { first?: number | null; after?: string | null; pending?: readonly AccessLogEntry[] } & AccessLogFilter = {},
): Promise<AccessLogPage> {
  const first = Math.min(Math.max(Math.trunc(opts.first ?? 20), 1), ACCESS_LOG_PAGE_MAX);
  const after = opts.after ? decodeCursor(opts.after) : null;
  if (typeof citizenId !== 'string' || !PERSONAL_ID.test(citizenId))
    return { entries: [], hasNextPage: false, endCursor: null };
  const matches = entryFilter(opts);
  const newer = (k: Key) => !after || compareKeys(k, after) > 0;
  const counts = (e: AccessLogEntry) => matches(e) && newer(keyOf(e));
  // Nothing newer than the cursor or `to` is needed (an entry of the cursor's own millisecond may be).
  const upToMs = Math.min(after ? after[0] : Infinity, opts.to ? opts.to.getTime() : Infinity);
  const fromMs = opts.from ? opts.from.getTime() : null;
  const coll = accessLogCollection(store);
  const windows = timeWindows(Number.isFinite(upToMs) ? upToMs + 1 : null, fromMs, Date.now());
  const found: AccessLogEntry[] = [];
  const [legacy] = await Promise.all([
    readLegacyEntries(store, citizenId, {
      upTo: Number.isFinite(upToMs) ? new Date(upToMs) : null,
      from: opts.from ?? null,
      enough: first,
      counts,
    }),
    (async () => {
      let n = 0;
      for (const w of windows) {
        const docs = await allOf(coll.find({ _id: citizenRange(citizenId, w.from, w.to) }));
        for (const { _id, ...e } of docs) {
          void _id;
          found.push(e);
          if (counts(e)) n++;
        }
        if (n > first) break;
      }
    })(),
  ]);
  const all = [...legacy, ...found, ...(opts.pending ?? [])].filter(matches).map((e) => ({ e, k: keyOf(e) }));
  all.sort((a, b) => compareKeys(a.k, b.k));
  // A pending entry may have been indexed meanwhile, and a record's entry written in both layouts: once.
  for (let i = all.length - 1; i > 0; i--) if (compareKeys(all[i].k, all[i - 1].k) === 0) all.splice(i, 1);
  const rest = all.filter((x) => newer(x.k));
  const page = rest.slice(0, first);
  return {
    entries: page.map((x) => ({ ...x.e, at: new Date(x.e.at) })),
    hasNextPage: rest.length > first,
    endCursor: page.length ? encodeCursor(page[page.length - 1].k) : null,
  };
}
