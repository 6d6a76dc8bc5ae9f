/**
 * Reconciliation cases: what data-cleaning staff do with findings.
 *
 * Every finding a run writes (`reconFindings`, one document per defect, see runs.ts) is a case,
 * `OPEN` until someone acts on it:
 *
 * ```
 * OPEN ──CONFIRM──▶ CONFIRMED ──RESOLVE──▶ RESOLVED
 *   │                  │                      │
 *   └──DISMISS──┐  ┌──DISMISS                 │ REOPEN (officer) / RECURRED (a later run found it again)
 *               ▼  ▼                          ▼
 *             DISMISSED ──REOPEN──▶ OPEN ◀────┘
 * OPEN | CONFIRMED ──CLEARED──▶ RESOLVED   (a later run over the area no longer finds it)
 * ```
 * plus `ASSIGN` (assignee) and `NOTE` (a note), which keep the status. Officers confirm, resolve,
 * dismiss (with a reason) and reopen; the runs record `CLEARED` and `RECURRED` as `run:<id>`.
 *
 * Storage (hub database):
 * - `reconCases`, `_id` = the finding key: the case's own state (status, assignee, notes,
 *   history, `seq`), written only by {@link CaseService.act}; absent until the first action.
 * - `reconCaseEvents`, `_id` = `<finding key>#<seq>`: one per action, holding the case as the
 *   action left it. Inserting it is the compare-and-set (a unique `_id`, on MongoDB and on
 *   FerretDB, across hub instances); the case document follows, and a commit cut short is
 *   rolled forward by the next action on the case. Within a process, actions on one case are
 *   serialised.
 * - `reconCaseIndex`, `_id` = `<province>|<commune>` (`-` where unknown): per area, one small
 *   entry per case under `m.<encoded key>`: `k` = `<source>|<kind>`, `r` = the start (ms) of the
 *   latest run that saw the finding (`$max`, so overlapping runs never move it back), `h` = the
 *   finding's content hash as last written (a run writes a finding only when it differs: see
 *   runs.ts), `s` = the status when not OPEN, `a` = the assignee; and `runs.t<start ms>` = the
 *   id of the run that started then (a case's `lastSeenRunId`). Queries read the index documents of the area (a
 *   few `_id` reads: the embedded store pushes down no other filter) and then the page's cases by
 *   `_id`. All index writes go through one {@link SerialWriter} (one write in flight per
 *   document, coalesced); the case document is the authority, the index entry its copy.
 */
import { DATA_SOURCE } from '../../connectors/provenance';
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import { PROVINCES } from '../../reference/areas';
import type { CaseChangeRecord } from '../audit/model';
import type { DocumentScope } from '../access/auth/principal';
import { communesOf, type AreaInfo } from '../accounts/reports/read';
import type { Store } from '../../store/connection';
import { KeyedMutex, isDuplicateKey, lastEventAfter, mapLimit, replaceOrInsert } from '../../store/concurrency';
import { SerialWriter, type DocOp } from '../../store/serial-writer';
import type { FindingDoc } from './model';
import { NATIONAL, RECON_STATS_COLLECTION, type DefectKind, type FindingAreaDoc, type SourceName } from './model';

export const RECON_CASES_COLLECTION = 'reconCases';
export const RECON_CASE_EVENTS_COLLECTION = 'reconCaseEvents';
export const RECON_CASE_INDEX_COLLECTION = 'reconCaseIndex';
/** Same as runs.ts (not imported: runs.ts imports this module). */
const FINDINGS_COLLECTION = 'reconFindings';

export type CaseStatus = 'OPEN' | 'CONFIRMED' | 'RESOLVED' | 'DISMISSED';
export const CASE_STATUSES: readonly CaseStatus[] = ['OPEN', 'CONFIRMED', 'RESOLVED', 'DISMISSED'];
/** Statuses that still need work (what the CSV export gives by default). */
export const OPEN_STATUSES: readonly CaseStatus[] = ['OPEN', 'CONFIRMED'];

export type CaseEventType =
  | 'CONFIRM'
  | 'RESOLVE'
  | 'DISMISS'
  | 'REOPEN'
  | 'ASSIGN'
  | 'NOTE'
  /** A later run over the area no longer finds the defect. */
  | 'CLEARED'
  /** A later run found again a defect resolved before it started. */
  | 'RECURRED';

/** Status moves: the statuses an event applies from, and where it leads (null: status kept). */
export const CASE_MOVES: Record<CaseEventType, { from: readonly CaseStatus[]; to: CaseStatus | null }> = {
  CONFIRM: { from: ['OPEN'], to: 'CONFIRMED' },
  RESOLVE: { from: ['CONFIRMED'], to: 'RESOLVED' },
  DISMISS: { from: ['OPEN', 'CONFIRMED'], to: 'DISMISSED' },
  REOPEN: { from: ['RESOLVED', 'DISMISSED'], to: 'OPEN' },
  ASSIGN: { from: CASE_STATUSES, to: null },
  NOTE: { from: CASE_STATUSES, to: null },
  CLEARED: { from: ['OPEN', 'CONFIRMED'], to: 'RESOLVED' },
  RECURRED: { from: ['RESOLVED'], to: 'OPEN' },
};

/** Index documents read at once after a run. */
const AFTER_RUN_READS = 8;
/** Case changes per audit record of a run. */
export const AFTER_RUN_AUDIT_CHUNK = 500;

/** Longest note, in characters. */
export const MAX_NOTE_LENGTH = 2000;
/**
 * Notes (NOTE actions) kept per case. The reason given with a state change or an assignment is
 * part of that change: kept in `notes` too, never counted against this cap (a case with this
 * many notes can still be dismissed); the list keeps at most MAX_NOTES + MAX_HISTORY entries.
 */
export const MAX_NOTES = 200;
/** History entries kept per case (the oldest go first; every change stays in reconCaseEvents and the audit). */
export const MAX_HISTORY = 500;

export interface CaseNote {
  at: Date;
  by: string;
  text: string;
  /** The action that wrote it (absent on notes from before: taken as NOTE). */
  event?: CaseEventType;
}

export interface CaseHistoryEntry {
  seq: number;
  at: Date;
  /** `officer:<id>` or `run:<id>`. */
  by: string;
  event: CaseEventType;
  from: CaseStatus;
  to: CaseStatus;
  assignee?: string | null;
  note?: string;
}

export interface CaseDoc {
  _id: string;
  source: SourceName;
  kind: DefectKind;
  /** The area of the index entry. */
  area: FindingAreaDoc;
  status: CaseStatus;
  assignee: string | null;
  notes: CaseNote[];
  history: CaseHistoryEntry[];
  seq: number;
  updatedAt: Date;
}

export interface CaseEventDoc {
  _id: string; // <case id>#<seq>
  caseId: string;
  seq: number;
  at: Date;
  /** The case as this action left it (roll-forward). */
  state: CaseDoc;
}

/** A case as the API shows it: the finding and the case's state. */
export interface CaseView {
  id: string;
  finding: FindingDoc;
  status: CaseStatus;
  assignee: string | null;
  notes: CaseNote[];
  history: CaseHistoryEntry[];
  updatedAt: Date;
  /** When a run last found it (from the case index; absent: the finding's own `lastSeen*`). */
  lastSeen?: LastSeen;
  /** Whom the audit names for a read of the case: {@link caseSubject}. */
  subject: string;
}

export type CaseAction =
  | { type: 'CONFIRM' | 'RESOLVE' | 'REOPEN'; note?: string | null }
  | { type: 'DISMISS' | 'NOTE'; note: string }
  /**
   * `onlySelf`: the officer may only take an unassigned case (or one already theirs) for
   * themselves, or release their own.
   */
  | { type: 'ASSIGN'; assignee: string | null; note?: string | null; onlySelf?: string }
  /** Runs only: `runStartedAt` is the run's start (RECURRED applies to cases resolved before it). */
  | { type: 'CLEARED' | 'RECURRED'; runStartedAt: Date };

export type CaseErrorCode =
  | 'ILLEGAL_TRANSITION'
  | 'NOTE_REQUIRED'
  | 'NOTE_TOO_LONG'
  | 'TOO_MANY_NOTES'
  | 'INVALID_ASSIGNEE'
  | 'CONCURRENT_CHANGE';

export interface CaseUserError {
  code: CaseErrorCode;
  message: string;
}

export interface CaseResult {
  case: CaseView | null;
  userError: CaseUserError | null;
  change: CaseChangeRecord | null;
  /** Refused: the finding's area, as read under the case's lock, is not the actor's (see {@link CaseService.act}). */
  outOfArea?: true;
}

export interface CaseFilter {
  source?: SourceName | null;
  kind?: DefectKind | null;
  /** Any of these (default: every status). */
  statuses?: readonly CaseStatus[] | null;
  assignee?: string | null;
  /** Only the cases whose latest sighting is the run that started then (ms): that run's findings. */
  lastSeenBy?: number | null;
}

/** The audit scope of what a case shows of the population's side (identity attributes, the ID card). */
export function caseScope(kind: DefectKind): DocumentScope {
  return kind === 'OLD_ID_KEY' || kind === 'EXPIRED_ID_CARD' ? 'IDENTITY_CARD' : 'IDENTITY';
}

/** The document each source keeps (the population's: as the case's kind says). */
const SOURCE_DOCUMENT: Record<Exclude<SourceName, 'population'>, DocumentScope> = {
  drivingLicence: 'DRIVING_LICENCE',
  healthInsurance: 'HEALTH_INSURANCE',
  socialInsurance: 'SOCIAL_INSURANCE',
  healthRecord: 'HEALTH_RECORD',
};

/**
 * The audit scope of what a case shows of the source record's side (its key and the value as
 * the source stores it): the kind of document that source keeps. A data-cleaning officer sees
 * both values to fix a mismatch; the audit names the document the source value came from.
 */
export function caseSourceScope(f: Pick<FindingDoc, 'source' | 'kind'>): DocumentScope {
  return f.source === 'population' ? caseScope(f.kind) : SOURCE_DOCUMENT[f.source];
}

const PERSONAL_ID = /^\d{12}$/;

/**
 * The audit subject of a case: the person's ID; with no person identified (ORPHAN, a MALFORMED
 * key), a 12-digit record key (the citizen the record is kept under); otherwise
 * `record:<DataSource>:<record key>` (never a personal ID, so never in a citizen's access log).
 */
export function caseSubject(f: Pick<FindingDoc, 'source' | 'recordKey' | 'personalId'>): string {
  if (f.personalId && PERSONAL_ID.test(f.personalId)) return f.personalId;
  if (PERSONAL_ID.test(f.recordKey)) return f.recordKey;
  return `record:${DATA_SOURCE[f.source]}:${f.recordKey}`;
}

/** Every scope a case shows, for audit records written by hand (the CSV export). */
export function caseScopes(f: Pick<FindingDoc, 'source' | 'kind'>): DocumentScope[] {
  return [...new Set([caseScope(f.kind), caseSourceScope(f)])];
}

// ---------------------------------------------------------------------------------------------
// The index

/** One case's entry in its area's index document. */
export interface IndexEntry {
  /** `<source>|<kind>`. */
  k: string;
  /** Start (ms since the epoch) of the latest run that saw the finding. */
  r: number;
  /** The finding's content hash as last written (runs.ts `findingHash`). */
  h?: string;
  /** Status, when not OPEN. */
  s?: CaseStatus;
  /** Assignee, when any. */
  a?: string;
}

export interface CaseIndexDoc {
  _id: string;
  province: string | null;
  commune: string | null;
  m?: Record<string, IndexEntry>;
  /** `t<start ms>` → the id of the run that started then. */
  runs?: Record<string, string>;
}

/** When a run last found a case: the start of that run, and its id (null: not recorded). */
export interface LastSeen {
  at: Date;
  runId: string | null;
}

/**
 * A field name for any string (a finding key): `%`, `.`, `$` and control characters (NUL
 * included) percent-encoded as `%XX`, a lone surrogate (not valid UTF-8) as `%uXXXX`. The result
 * is a valid field name whatever the string; {@link decodeKey} gives the string back.
 */
export function encodeKey(key: string): string {
  return key.replace(UNSAFE_IN_FIELD, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff
      ? '%u' + code.toString(16).toUpperCase().padStart(4, '0')
      : '%' + code.toString(16).toUpperCase().padStart(2, '0');
  });
}

const UNSAFE_IN_FIELD =
  /[%.$\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function decodeKey(field: string): string {
  return field.replace(/%(?:u([0-9A-F]{4})|([0-9A-F]{2}))/g, (_m, u: string | undefined, h: string | undefined) =>
    String.fromCharCode(parseInt((u ?? h)!, 16)),
  );
}

/** The index document of a finding's area. */
export function indexId(area: FindingAreaDoc): string {
  return `${area.province ?? '-'}|${area.province ? (area.commune ?? '-') : '-'}`;
}

/**
 * The index documents an area covers, in the order pages walk them: a commune's own; a
 * province's records without a commune, then its communes in code order; national: those of
 * every province, then the records of no known area.
 */
export function indexIdsOf(area: { province: string; commune: string | null }): string[] {
  if (area.province === NATIONAL)
    return [
      ...PROVINCES.map((p) => p.code)
        .sort()
        .flatMap((p) => indexIdsOf({ province: p, commune: null })),
      '-|-',
    ];
  if (area.commune) return [`${area.province}|${area.commune}`];
  return [`${area.province}|-`, ...communesOf(area.province).map((c) => `${area.province}|${c}`)];
}

/**
 * The index op a run writes for a finding it saw: the run's start (`$max`) and id; with `hash`
 * (the finding was written), the entry's kind and content hash too.
 */
export function seenOp(
  f: Pick<FindingDoc, '_id' | 'source' | 'kind' | 'area'>,
  run: { id: string; startedAt: Date },
  hash: string | null,
): DocOp<'index'> {
  const path = `m.${encodeKey(f._id)}`;
  const t = run.startedAt.getTime();
  const set: Record<string, unknown> = { [`runs.t${t}`]: run.id };
  if (hash !== null) {
    set[`${path}.k`] = `${f.source}|${f.kind}`;
    set[`${path}.h`] = hash;
  }
  return {
    target: 'index',
    id: indexId(f.area),
    set,
    max: { [`${path}.r`]: t },
    setOnInsert: { province: f.area.province, commune: f.area.province ? f.area.commune : null },
  };
}

function entryMatches(e: IndexEntry, f: CaseFilter): boolean {
  if (f.source || f.kind) {
    const bar = e.k.indexOf('|');
    if (f.source && e.k.slice(0, bar) !== f.source) return false;
    if (f.kind && e.k.slice(bar + 1) !== f.kind) return false;
  }
  if (f.statuses?.length && !f.statuses.includes(e.s ?? 'OPEN')) return false;
  if (f.lastSeenBy !== undefined && f.lastSeenBy !== null && e.r !== f.lastSeenBy) return false;
  if (f.assignee !== undefined && f.assignee !== null && e.a !== f.assignee) return false;
  return true;
}

export type { CaseChangeRecord };

export class CaseInputError extends Error {}

function encodeCursor(docId: string, key: string): string {
  return Buffer.from(`${docId}\u0000${key}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { docId: string; key: string } | null {
  const s = Buffer.from(cursor, 'base64url').toString('utf8');
  const i = s.indexOf('\u0000');
  return i > 0 ? { docId: s.slice(0, i), key: s.slice(i + 1) } : null;
}

export interface CasePage {
  nodes: CaseView[];
  endCursor: string | null;
  hasNextPage: boolean;
  /** Cases of the area that match (all pages); reads every index document, so only on demand. */
  totalCount(): Promise<number>;
}

/** Case counts of an area, from its index (live). */
export interface CaseCounts {
  byStatus: Record<CaseStatus, number>;
  /** source → kind → cases not yet RESOLVED or DISMISSED. */
  open: Map<SourceName, Map<DefectKind, number>>;
}

// ---------------------------------------------------------------------------------------------
// The service

export interface CaseServiceOptions {
  store: Store;
  logger: Logger;
  now?: () => Date;
}

export class CaseService {
  /** Every write to the case index and the area stats in this process goes through this writer (runs included). */
  readonly writer: SerialWriter<'index' | 'stats'>;
  private readonly mutex = new KeyedMutex();
  private readonly now: () => Date;
  private readonly logger: Logger;
  private readonly cases: Collection<CaseDoc>;
  private readonly events: Collection<CaseEventDoc>;
  private readonly findings: Collection<FindingDoc>;
  private readonly indexCol: Collection<CaseIndexDoc>;

  constructor(opts: CaseServiceOptions) {
    const db = opts.store.hubDb;
    this.now = opts.now ?? (() => new Date());
    this.logger = opts.logger;
    this.cases = db.collection<CaseDoc>(RECON_CASES_COLLECTION);
    this.events = db.collection<CaseEventDoc>(RECON_CASE_EVENTS_COLLECTION);
    this.findings = db.collection<FindingDoc>(FINDINGS_COLLECTION);
    this.indexCol = db.collection<CaseIndexDoc>(RECON_CASE_INDEX_COLLECTION);
    this.writer = new SerialWriter({
      index: this.indexCol as unknown as Collection<Document>,
      stats: db.collection(RECON_STATS_COLLECTION),
    });
  }

  private view(finding: FindingDoc, c: CaseDoc | null): CaseView {
    return {
      id: finding._id,
      finding,
      status: c?.status ?? 'OPEN',
      assignee: c?.assignee ?? null,
      notes: c?.notes ?? [],
      history: c?.history ?? [],
      updatedAt: c?.updatedAt ?? finding.firstSeenAt,
      subject: caseSubject(finding),
    };
  }

  /** A case by id (the finding key), or null when there is no such finding; with when a run last found it. */
  async get(id: string): Promise<CaseView | null> {
    const v = await this.read(id);
    if (v) v.lastSeen = (await this.lastSeenOf(v.finding)) ?? undefined;
    return v;
  }

  private async read(id: string): Promise<CaseView | null> {
    const [finding, c] = await Promise.all([this.findings.findOne({ _id: id }), this.cases.findOne({ _id: id })]);
    return finding ? this.view(finding, c) : null;
  }

  /** Cases by id, in order (null where unknown); parallel `_id` reads (`lastSeen` not filled in). */
  async getMany(ids: readonly string[]): Promise<Array<CaseView | null>> {
    return Promise.all(ids.map((id) => this.read(id)));
  }

  /** When a run last found a finding, from its index entry (null: no entry). */
  private async lastSeenOf(f: FindingDoc): Promise<LastSeen | null> {
    const path = `m.${encodeKey(f._id)}`;
    const doc = await this.indexCol.findOne({ _id: indexId(f.area) }, { projection: { [path]: 1, runs: 1 } });
    const e = doc?.m?.[encodeKey(f._id)];
    return e ? { at: new Date(e.r), runId: doc?.runs?.[`t${e.r}`] ?? null } : null;
  }

  /** The entries of an index document, in key order; `rid`: the id of the run `r` names. */
  private async entriesOf(docId: string): Promise<Array<[string, IndexEntry & { rid: string | null }]>> {
    const doc = await this.indexCol.findOne({ _id: docId });
    const runs = doc?.runs ?? {};
    return Object.entries(doc?.m ?? {})
      .map(
        ([k, e]) =>
          [decodeKey(k), { ...e, rid: runs[`t${e.r}`] ?? null }] as [string, IndexEntry & { rid: string | null }],
      )
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** The keys of the cases whose latest sighting is the run that started at `startedAt` within `area`. */
  async keysLastSeenBy(area: { province: string; commune: string | null }, startedAt: Date): Promise<string[]> {
    const t = startedAt.getTime();
    const out: string[] = [];
    await mapLimit(indexIdsOf(area), AFTER_RUN_READS, async (docId) => {
      for (const [k, e] of await this.entriesOf(docId)) if (e.r === t) out.push(k);
    });
    return out.sort();
  }

  /**
   * The content hashes of the findings an area's index holds (key → hash), for a run to write
   * only the findings that changed. Read a few index documents at a time.
   */
  async knownHashes(area: { province: string; commune: string | null }): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await mapLimit(indexIdsOf(area), AFTER_RUN_READS, async (docId) => {
      const doc = await this.indexCol.findOne({ _id: docId });
      for (const [k, e] of Object.entries(doc?.m ?? {})) if (e.h) out.set(decodeKey(k), e.h);
    });
    return out;
  }

  /**
   * One page of an area's cases matching `filter`, after `after` (a cursor from a previous
   * page), ordered by index document (see {@link indexIdsOf}) and case id.
   */
  async page(area: AreaInfo, filter: CaseFilter, opts: { first: number; after?: string | null }): Promise<CasePage> {
    const docIds = indexIdsOf({ province: area.province, commune: area.kind === 'COMMUNE' ? area.code : null });
    const cur = opts.after ? decodeCursor(opts.after) : null;
    if (opts.after && (!cur || !docIds.includes(cur.docId))) throw new CaseInputError('Invalid cursor');
    const read = new Map<string, ReturnType<CaseService['entriesOf']>>();
    const entries = (id: string) => {
      let p = read.get(id);
      if (!p) read.set(id, (p = this.entriesOf(id)));
      return p;
    };
    const picked: Array<{ docId: string; key: string; e: IndexEntry & { rid: string | null } }> = [];
    let more = false;
    for (const docId of docIds.slice(cur ? docIds.indexOf(cur.docId) : 0)) {
      for (const [key, e] of await entries(docId)) {
        if (cur && docId === cur.docId && key <= cur.key) continue;
        if (!entryMatches(e, filter)) continue;
        if (picked.length < opts.first) picked.push({ docId, key, e });
        else {
          more = true;
          break;
        }
      }
      if (more) break;
    }
    const views = await this.getMany(picked.map((p) => p.key));
    views.forEach((v, i) => {
      if (v) v.lastSeen = { at: new Date(picked[i].e.r), runId: picked[i].e.rid };
    });
    const nodes = this.current(
      views,
      picked.map((p) => p.docId),
    );
    const last = picked[picked.length - 1];
    return {
      nodes,
      endCursor: last ? encodeCursor(last.docId, last.key) : null,
      hasNextPage: more,
      totalCount: async () => {
        let n = 0;
        for (const l of await Promise.all(docIds.map(entries))) for (const [, e] of l) if (entryMatches(e, filter)) n++;
        return n;
      },
    };
  }

  /** An area's matching cases in chunks (index document by index document), for the CSV export. */
  async *chunks(area: AreaInfo, filter: CaseFilter, size: number): AsyncGenerator<CaseView[]> {
    const docIds = indexIdsOf({ province: area.province, commune: area.kind === 'COMMUNE' ? area.code : null });
    for (const docId of docIds) {
      const matching = (await this.entriesOf(docId)).filter(([, e]) => entryMatches(e, filter));
      for (let i = 0; i < matching.length; i += size) {
        const part = matching.slice(i, i + size);
        const views = await this.getMany(part.map(([k]) => k));
        views.forEach((v, j) => {
          if (v) v.lastSeen = { at: new Date(part[j][1].r), runId: part[j][1].rid };
        });
        yield this.current(
          views,
          part.map(() => docId),
        );
      }
    }
  }

  /**
   * The cases whose finding is still where their index entry says (`docIds[i]` for `views[i]`).
   * A finding whose person moved has its entry under the new area; the old one is stale: left out
   * here (never shown to the old area's officers) and removed.
   */
  private current(views: Array<CaseView | null>, docIds: readonly string[]): CaseView[] {
    const out: CaseView[] = [];
    views.forEach((v, i) => {
      if (!v) return;
      if (indexId(v.finding.area) === docIds[i]) out.push(v);
      else void this.dropEntry(docIds[i], v.id);
    });
    return out;
  }

  /** Removes a stale index entry (its case lives under another area now). */
  private dropEntry(docId: string, caseId: string): Promise<void> {
    return this.writer
      .apply([{ target: 'index', id: docId, unset: [`m.${encodeKey(caseId)}`] }])
      .catch((err: unknown) => this.logger.warn({ err, caseId }, 'stale reconciliation index entry not removed'));
  }

  /** Live case counts of an area (its index documents). */
  async counts(area: { province: string; commune: string | null }): Promise<CaseCounts> {
    const byStatus = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as Record<CaseStatus, number>;
    const open = new Map<SourceName, Map<DefectKind, number>>();
    const docs = await Promise.all(indexIdsOf(area).map((id) => this.indexCol.findOne({ _id: id })));
    for (const d of docs) {
      for (const e of Object.values(d?.m ?? {})) {
        const status = e.s ?? 'OPEN';
        byStatus[status]++;
        if (!OPEN_STATUSES.includes(status)) continue;
        const bar = e.k.indexOf('|');
        const source = e.k.slice(0, bar) as SourceName;
        const kind = e.k.slice(bar + 1) as DefectKind;
        let m = open.get(source);
        if (!m) open.set(source, (m = new Map()));
        m.set(kind, (m.get(kind) ?? 0) + 1);
      }
    }
    return { byStatus, open };
  }

  /**
   * Applies one action to a case, as `by` (`officer:<id>` or `run:<id>`). A refusal is a
   * `userError` (the case unchanged); an assignment or note that changes nothing commits nothing.
   * `mayAct` (an officer's jurisdiction) is decided under the case's lock, on the finding read in
   * the same attempt as the status, and the committed event records that area (`state.area`):
   * an area moved by a run before that read is refused (`outOfArea`), never acted on.
   */
  async act(
    id: string,
    action: CaseAction,
    by: string,
    mayAct: (area: FindingAreaDoc) => boolean = () => true,
  ): Promise<CaseResult> {
    return this.mutex.run(id, () => this.actLocked(id, action, by, mayAct));
  }

  private async actLocked(
    id: string,
    action: CaseAction,
    by: string,
    mayAct: (area: FindingAreaDoc) => boolean,
  ): Promise<CaseResult> {
    const refuse = (view: CaseView | null, code: CaseErrorCode, message: string): CaseResult => ({
      case: view,
      userError: { code, message },
      change: null,
    });
    const note = 'note' in action ? (action.note?.trim() ?? '') : '';
    if (note.length > MAX_NOTE_LENGTH)
      return refuse(null, 'NOTE_TOO_LONG', `A note has at most ${MAX_NOTE_LENGTH} characters`);
    if ((action.type === 'DISMISS' || action.type === 'NOTE') && !note) {
      return refuse(
        null,
        'NOTE_REQUIRED',
        action.type === 'DISMISS' ? 'Say why the case is dismissed' : 'The note is empty',
      );
    }
    if (action.type === 'ASSIGN' && action.assignee !== null && !/^[A-Za-z0-9._:@-]{1,64}$/.test(action.assignee)) {
      return refuse(null, 'INVALID_ASSIGNEE', 'An assignee is an officer id (1–64 letters, digits, . _ : @ -)');
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const finding = await this.findings.findOne({ _id: id });
      if (!finding) return { case: null, userError: null, change: null };
      if (!mayAct(finding.area)) return { case: null, userError: null, change: null, outOfArea: true };
      const current = await this.rollForward(id, await this.cases.findOne({ _id: id }));
      const view = this.view(finding, current);
      const move = CASE_MOVES[action.type];
      if (!move.from.includes(view.status)) {
        return refuse(view, 'ILLEGAL_TRANSITION', `A ${view.status} case cannot take ${action.type}`);
      }
      if (action.type === 'RECURRED' && view.updatedAt >= action.runStartedAt) {
        return refuse(view, 'ILLEGAL_TRANSITION', 'Resolved after the run started');
      }
      if (action.type === 'ASSIGN' && action.onlySelf !== undefined) {
        const self = action.onlySelf;
        const allowed =
          action.assignee === self
            ? view.assignee === null || view.assignee === self
            : action.assignee === null && view.assignee === self;
        if (!allowed) {
          return refuse(
            view,
            'INVALID_ASSIGNEE',
            'Data-cleaning officers take unassigned cases for themselves or release their own; supervisors assign',
          );
        }
      }
      if (action.type === 'ASSIGN' && action.assignee === view.assignee && !note) {
        return { case: view, userError: null, change: null };
      }
      if (action.type === 'NOTE' && view.notes.filter((n) => (n.event ?? 'NOTE') === 'NOTE').length >= MAX_NOTES) {
        return refuse(view, 'TOO_MANY_NOTES', `A case keeps at most ${MAX_NOTES} notes`);
      }
      const at = this.now();
      const seq = (current?.seq ?? 0) + 1;
      const to = move.to ?? view.status;
      const assignee = action.type === 'ASSIGN' ? action.assignee : view.assignee;
      const entry: CaseHistoryEntry = {
        seq,
        at,
        by,
        event: action.type,
        from: view.status,
        to,
        ...(action.type === 'ASSIGN' ? { assignee } : {}),
        ...(note ? { note } : {}),
      };
      const next: CaseDoc = {
        _id: id,
        source: finding.source,
        kind: finding.kind,
        area: finding.area,
        status: to,
        assignee,
        notes: note
          ? [...view.notes, { at, by, text: note, event: action.type }].slice(-(MAX_NOTES + MAX_HISTORY))
          : view.notes,
        history: [...view.history, entry].slice(-MAX_HISTORY),
        seq,
        updatedAt: at,
      };
      try {
        await this.events.insertOne({ _id: `${id}#${seq}`, caseId: id, seq, at, state: next });
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        continue; // another writer took this step: roll forward and try again
      }
      await replaceOrInsert(this.cases, next);
      await this.writeIndex(next);
      // A writer of another instance that stalled between its two steps may have written an older
      // state over this one: repair (the events are the authority).
      if (await this.events.findOne({ _id: `${id}#${seq + 1}` })) await this.rollForward(id, next);
      return {
        case: this.view(finding, next),
        userError: null,
        change: {
          caseId: id,
          citizenId: finding.personalId,
          event: action.type,
          from: view.status,
          to,
          by,
          ...(action.type === 'ASSIGN' ? { assignee } : {}),
          ...(note ? { note } : {}),
        },
      };
    }
    return refuse(null, 'CONCURRENT_CHANGE', 'The case was changed at the same time; retry');
  }

  /** The case's status and assignee in its index entry (the case document is the authority). */
  private async writeIndex(c: CaseDoc): Promise<void> {
    const path = `m.${encodeKey(c._id)}`;
    const set: Record<string, unknown> = { [`${path}.k`]: `${c.source}|${c.kind}` };
    const unset: string[] = [];
    if (c.status === 'OPEN') unset.push(`${path}.s`);
    else set[`${path}.s`] = c.status;
    if (c.assignee) set[`${path}.a`] = c.assignee;
    else unset.push(`${path}.a`);
    try {
      await this.writer.apply([
        {
          target: 'index',
          id: indexId(c.area),
          set,
          unset,
          setOnInsert: { province: c.area.province, commune: c.area.province ? c.area.commune : null },
        },
      ]);
    } catch (err) {
      // The change stands (its event and case document are written); the next action repairs the entry.
      this.logger.error({ err, caseId: c._id }, 'reconciliation case index not updated');
    }
  }

  /** Read-repair: the case as its latest committed action left it. */
  private async rollForward(id: string, doc: CaseDoc | null): Promise<CaseDoc | null> {
    const latest = await lastEventAfter(this.events, id, doc?.seq ?? 0);
    if (!latest) return doc;
    await replaceOrInsert(this.cases, latest.state);
    await this.writeIndex(latest.state);
    this.logger.warn(
      { caseId: id, seq: latest.seq },
      'reconciliation case rolled forward to its last committed action',
    );
    return latest.state;
  }

  /**
   * After a run over `area` (started at `startedAt`) has written its findings and their index
   * entries: cases it no longer found are CLEARED; cases resolved before it started that it found
   * again RECURRED; entries whose finding now lives under another area (the person moved) are
   * removed. The changes are handed to `audit` index document by index document, as they are
   * made (at most {@link AFTER_RUN_AUDIT_CHUNK} per call); returns them all.
   */
  async afterRun(
    run: { id: string; startedAt: Date; area: { province: string; commune: string | null } },
    opts: { shouldStop?: () => boolean; audit?: (changes: CaseChangeRecord[]) => Promise<void> } = {},
  ): Promise<CaseChangeRecord[]> {
    const shouldStop = opts.shouldStop ?? (() => false);
    const t = run.startedAt.getTime();
    const todo = new Map<string, Array<[string, CaseAction]>>();
    // A national run covers some 3,400 index documents: read them a few at a time.
    await mapLimit(indexIdsOf(run.area), AFTER_RUN_READS, async (docId) => {
      if (shouldStop()) return;
      const list: Array<[string, CaseAction]> = [];
      for (const [key, e] of await this.entriesOf(docId)) {
        // A citizen's correction request is no run's finding: runs neither clear nor bring it back.
        if (e.k.endsWith('|CORRECTION_REQUEST')) continue;
        const status = e.s ?? 'OPEN';
        if (e.r < t && OPEN_STATUSES.includes(status)) {
          list.push([key, { type: 'CLEARED', runStartedAt: run.startedAt }]);
        } else if (e.r >= t && status === 'RESOLVED') {
          list.push([key, { type: 'RECURRED', runStartedAt: run.startedAt }]);
        }
      }
      if (list.length) todo.set(docId, list);
    });
    const all: CaseChangeRecord[] = [];
    for (const [docId, list] of todo) {
      if (shouldStop()) break;
      const changes: CaseChangeRecord[] = [];
      for (const [key, action] of list) {
        if (action.type === 'CLEARED') {
          // Not seen here because the person moved: the case lives on under the new area.
          const finding = await this.findings.findOne({ _id: key });
          if (finding && indexId(finding.area) !== docId) {
            await this.dropEntry(docId, key);
            continue;
          }
        }
        const r = await this.act(key, action, `run:${run.id}`);
        if (r.change) changes.push(r.change);
      }
      for (let i = 0; i < changes.length; i += AFTER_RUN_AUDIT_CHUNK) {
        await opts.audit?.(changes.slice(i, i + AFTER_RUN_AUDIT_CHUNK));
      }
      all.push(...changes);
    }
    return all;
  }
}
