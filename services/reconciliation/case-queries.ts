/**
 * The read side of reconciliation cases: a case by id, an area's cases page by page or in
 * chunks (the CSV export), its live counts, and what runs read of the case index (which cases a
 * run saw, the content hashes of the findings stored). Every read goes through the area's
 * case-index documents (case-index.ts) and then the cases by `_id`; an entry found stale (its
 * finding now lives under another area: the person moved) is left out and removed.
 * {@link CaseService} (cases.ts) adds the actions.
 */
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import type { AreaInfo } from '../accounts/reports/read';
import type { Store } from '../../store/connection';
import { mapLimit } from '../../store/concurrency';
import { SerialWriter } from '../../store/serial-writer';
import { caseSubject } from './case-scopes';
import { decodeCursor, decodeKey, encodeCursor, encodeKey, entryMatches, entryPath, indexIdsOf } from './case-index';
import { ageBuckets, directoryOf, dueList } from './case-order';
import {
  CASE_STATUSES,
  OPEN_STATUSES,
  RECON_CASES_COLLECTION,
  RECON_CASE_INDEX_COLLECTION,
  RECON_CASE_ORDER_COLLECTION,
  RECON_FINDINGS_COLLECTION,
  RECON_STATS_COLLECTION,
  areaId,
  type CaseCounts,
  type CaseDoc,
  type CaseFilter,
  type CaseOrder,
  type CaseOrderDoc,
  type CaseWriteTarget,
  type CaseIndexDoc,
  type CasePage,
  type CaseStatus,
  type CaseView,
  type DefectKind,
  type FindingDoc,
  type IndexEntry,
  type LastSeen,
  type SourceName,
} from './model';

/** Index documents read at once (after a run, for a run's start). */
export const INDEX_READS = 8;

/** A bad page cursor (BAD_USER_INPUT). */
export class CaseInputError extends Error {}

export interface CaseServiceOptions {
  store: Store;
  logger: Logger;
  now?: () => Date;
}

/** The index documents of an area of the API (a province, a commune, VN). */
function indexIdsOfInfo(area: AreaInfo): string[] {
  return indexIdsOf({ province: area.province, commune: area.kind === 'COMMUNE' ? area.code : null });
}

/** An index entry with the id of the run its `r` names. */
type SeenEntry = IndexEntry & { rid: string | null };
/** The entries of an index document, read once per page. */
type Entries = (docId: string) => Promise<Array<[string, SeenEntry]>>;
/** A case a page shows: its index document, key, entry and the cursor that ends at it. */
interface Picked {
  docId: string;
  key: string;
  e: SeenEntry;
  cursor: string;
}
/** What a walk found: the page's cases, and whether any case follows. */
interface Walk {
  picked: Picked[];
  more: boolean;
}

export class CaseQueries {
  /** Every write to the case index, its order directory and the area stats in this process goes through this writer (runs included). */
  readonly writer: SerialWriter<CaseWriteTarget>;
  protected readonly now: () => Date;
  protected readonly logger: Logger;
  protected readonly cases: Collection<CaseDoc>;
  protected readonly findings: Collection<FindingDoc>;
  private readonly indexCol: Collection<CaseIndexDoc>;
  private readonly orderCol: Collection<CaseOrderDoc>;

  constructor(opts: CaseServiceOptions) {
    const db = opts.store.hubDb;
    this.now = opts.now ?? (() => new Date());
    this.logger = opts.logger;
    this.cases = db.collection<CaseDoc>(RECON_CASES_COLLECTION);
    this.findings = db.collection<FindingDoc>(RECON_FINDINGS_COLLECTION);
    this.indexCol = db.collection<CaseIndexDoc>(RECON_CASE_INDEX_COLLECTION);
    this.orderCol = db.collection<CaseOrderDoc>(RECON_CASE_ORDER_COLLECTION);
    this.writer = new SerialWriter({
      index: this.indexCol as unknown as Collection<Document>,
      stats: db.collection(RECON_STATS_COLLECTION),
      order: this.orderCol as unknown as Collection<Document>,
    });
  }

  /** The case of a finding as the API shows it (OPEN until its first action). */
  protected view(finding: FindingDoc, c: CaseDoc | null): CaseView {
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

  /** Cases by id with when a run last found them, from their index entries (`entries[i]` for `keys[i]`). */
  private async getSeen(keys: readonly string[], entries: readonly SeenEntry[]): Promise<Array<CaseView | null>> {
    const views = await this.getMany(keys);
    views.forEach((v, i) => {
      if (v) v.lastSeen = { at: new Date(entries[i].r), runId: entries[i].rid };
    });
    return views;
  }

  /** When a run last found a finding, from its index entry (null: no entry). */
  private async lastSeenOf(f: FindingDoc): Promise<LastSeen | null> {
    const doc = await this.indexCol.findOne(
      { _id: areaId(f.area) },
      { projection: { [entryPath(f._id)]: 1, runs: 1 } },
    );
    const e = doc?.m?.[encodeKey(f._id)];
    return e ? { at: new Date(e.r), runId: doc?.runs?.[`t${e.r}`] ?? null } : null;
  }

  /** The entries of an index document, in key order; `rid`: the id of the run `r` names. */
  protected async entriesOf(docId: string): Promise<Array<[string, SeenEntry]>> {
    const doc = await this.indexCol.findOne({ _id: docId });
    const runs = doc?.runs ?? {};
    return Object.entries(doc?.m ?? {})
      .filter(([, e]) => typeof e.k === 'string') // a partial entry (a write that raced a removal) is no case
      .map(([k, e]) => [decodeKey(k), { ...e, rid: runs[`t${e.r}`] ?? null }] as [string, SeenEntry])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** The keys of the cases whose latest sighting is the run that started at `startedAt` within `area`. */
  async keysLastSeenBy(area: { province: string; commune: string | null }, startedAt: Date): Promise<string[]> {
    const t = startedAt.getTime();
    const out: string[] = [];
    await mapLimit(indexIdsOf(area), INDEX_READS, async (docId) => {
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
    await mapLimit(indexIdsOf(area), INDEX_READS, async (docId) => {
      const doc = await this.indexCol.findOne({ _id: docId });
      for (const [k, e] of Object.entries(doc?.m ?? {})) if (e.h) out.set(decodeKey(k), e.h);
    });
    return out;
  }

  /**
   * One page of an area's cases matching `filter`, after `after` (a cursor from a previous page of
   * the same order): in area order (index document, see {@link indexIdsOf}, and case id), by age,
   * or by legal deadline. Each order reads the index documents the page needs, not the area's
   * all; `totalCount` (asked only when wanted) reads them all.
   */
  async page(
    area: AreaInfo,
    filter: CaseFilter,
    opts: { first: number; after?: string | null; order?: CaseOrder },
  ): Promise<CasePage> {
    const docIds = indexIdsOfInfo(area);
    const read = new Map<string, ReturnType<CaseQueries['entriesOf']>>();
    const entries: Entries = (id) => {
      let p = read.get(id);
      if (!p) read.set(id, (p = this.entriesOf(id)));
      return p;
    };
    const order = opts.order ?? 'AREA';
    const found =
      order === 'AREA'
        ? await this.walkArea(docIds, filter, opts.first, opts.after ?? null, entries)
        : order === 'DUE'
          ? await this.walkDue(docIds, filter, opts.first, opts.after ?? null, entries)
          : await this.walkAge(docIds, filter, opts.first, opts.after ?? null, entries, order === 'OLDEST');
    const { picked, more } = found;
    const views = await this.getSeen(
      picked.map((p) => p.key),
      picked.map((p) => p.e),
    );
    return {
      nodes: this.current(
        views,
        picked.map((p) => p.docId),
      ),
      endCursor: picked.length ? picked[picked.length - 1].cursor : null,
      hasNextPage: more,
      totalCount: async () => {
        let n = 0;
        for (const l of await Promise.all(docIds.map(entries))) for (const [, e] of l) if (entryMatches(e, filter)) n++;
        return n;
      },
    };
  }

  /** Area order: index document by index document, from the cursor's. */
  private async walkArea(
    docIds: string[],
    filter: CaseFilter,
    first: number,
    after: string | null,
    entries: Entries,
    skip?: ReadonlySet<string>,
    cursorPrefix = '',
  ): Promise<Walk> {
    const cur = after ? decodeCursor(after) : null;
    if (after && (!cur || !docIds.includes(cur.docId))) throw new CaseInputError('Invalid cursor');
    const picked: Picked[] = [];
    for (const docId of docIds.slice(cur ? docIds.indexOf(cur.docId) : 0)) {
      for (const [key, e] of await entries(docId)) {
        if (cur && docId === cur.docId && key <= cur.key) continue;
        if (skip?.has(key) || !entryMatches(e, filter)) continue;
        if (picked.length === first) return { picked, more: true };
        picked.push({ docId, key, e, cursor: cursorPrefix + encodeCursor(docId, key) });
      }
    }
    return { picked, more: false };
  }

  /**
   * By age (the start of the first run that found each case; oldest or newest first; ties in area
   * order): the order directory's buckets in that order, each an index document's cases of one
   * age, read until the page is full. Cursor: the bucket and the case id.
   */
  private async walkAge(
    docIds: string[],
    filter: CaseFilter,
    first: number,
    after: string | null,
    entries: Entries,
    oldest: boolean,
  ): Promise<Walk> {
    const tag = oldest ? 'OLDEST' : 'NEWEST';
    const buckets = ageBuckets(await this.directories(docIds), docIds, oldest);
    let start = 0;
    let cur: { t: number; docId: string; key: string } | null = null;
    if (after) {
      const c = decodeCursor(after);
      const m = c ? /^(OLDEST|NEWEST):(\d+):(.+)$/.exec(c.docId) : null;
      if (!c || !m || m[1] !== tag || !docIds.includes(m[3])) throw new CaseInputError('Invalid cursor');
      cur = { t: Number(m[2]), docId: m[3], key: c.key };
      const pos = docIds.indexOf(cur.docId);
      const sign = oldest ? 1 : -1;
      start = buckets.findIndex((b) => sign * (b.t - cur!.t) > 0 || (b.t === cur!.t && b.pos >= pos));
      if (start < 0) start = buckets.length;
    }
    const picked: Picked[] = [];
    for (const b of buckets.slice(start)) {
      const same = cur !== null && b.t === cur.t && b.docId === cur.docId;
      for (const [key, e] of await entries(b.docId)) {
        if ((e.f ?? e.r) !== b.t || (same && key <= cur!.key) || !entryMatches(e, filter)) continue;
        if (picked.length === first) return { picked, more: true };
        picked.push({ docId: b.docId, key, e, cursor: encodeCursor(`${tag}:${b.t}:${b.docId}`, key) });
      }
    }
    return { picked, more: false };
  }

  /**
   * By legal deadline: the cases with one (a citizen's correction request), soonest first (the
   * overdue first), from the order directory; then the others in area order.
   */
  private async walkDue(
    docIds: string[],
    filter: CaseFilter,
    first: number,
    after: string | null,
    entries: Entries,
  ): Promise<Walk> {
    const dues = dueList(await this.directories(docIds), docIds, decodeKey);
    const withDue = new Set(dues.map((d) => d.key));
    const AREA = '~'; // cursors of the cases without a deadline (never in base64url)
    if (after?.startsWith(AREA)) return this.walkArea(docIds, filter, first, after.slice(1), entries, withDue, AREA);
    let start = 0;
    if (after) {
      const c = decodeCursor(after);
      const m = c ? /^DUE:(\d+)$/.exec(c.docId) : null;
      if (!c || !m) throw new CaseInputError('Invalid cursor');
      const due = Number(m[1]);
      start = dues.findIndex((d) => d.due > due || (d.due === due && d.key > c.key));
      if (start < 0) start = dues.length;
    }
    const picked: Picked[] = [];
    for (const d of dues.slice(start)) {
      const e = (await entries(d.docId)).find(([k]) => k === d.key)?.[1];
      if (!e || !entryMatches(e, filter)) continue;
      if (picked.length === first) return { picked, more: true };
      picked.push({ docId: d.docId, key: d.key, e, cursor: encodeCursor(`DUE:${d.due}`, d.key) });
    }
    // The rest of the page (none when it is full: then only whether any case follows).
    const rest = await this.walkArea(docIds, filter, first - picked.length, null, entries, withDue, AREA);
    return { picked: [...picked, ...rest.picked], more: rest.more };
  }

  /** The order directories of the provinces the index documents belong to (built if missing). */
  private async directories(docIds: readonly string[]): Promise<Array<CaseOrderDoc | null>> {
    const ids = [...new Set(docIds.map(directoryOf))];
    return Promise.all(
      ids.map(async (id) => {
        const dir = await this.orderCol.findOne({ _id: id });
        return dir?.built ? dir : this.buildDirectory(id);
      }),
    );
  }

  /**
   * Builds a province's order directory from its index documents, once (entries from before the
   * first sighting `f` was kept get theirs: their latest sighting then). Buckets written by runs
   * meanwhile are kept (the writes merge).
   */
  private async buildDirectory(id: string): Promise<CaseOrderDoc | null> {
    const docIds = id === '-' ? ['-|-'] : indexIdsOf({ province: id, commune: null });
    const set: Record<string, unknown> = { built: true };
    const fixes: Array<{ target: 'index'; id: string; min: Record<string, number> }> = [];
    await mapLimit(docIds, INDEX_READS, async (docId) => {
      const doc = await this.indexCol.findOne({ _id: docId });
      const min: Record<string, number> = {};
      for (const [k, e] of Object.entries(doc?.m ?? {})) {
        set[`a.${encodeKey(docId)}.t${e.f ?? e.r}`] = 1;
        if (e.f === undefined) min[`m.${k}.f`] = e.r;
      }
      if (Object.keys(min).length) fixes.push({ target: 'index', id: docId, min });
    });
    await this.writer.apply([...fixes, { target: 'order', id, set }]);
    return this.orderCol.findOne({ _id: id });
  }

  /** An area's matching cases in chunks (index document by index document), for the CSV export. */
  async *chunks(area: AreaInfo, filter: CaseFilter, size: number): AsyncGenerator<CaseView[]> {
    for (const docId of indexIdsOfInfo(area)) {
      const matching = (await this.entriesOf(docId)).filter(([, e]) => entryMatches(e, filter));
      for (let i = 0; i < matching.length; i += size) {
        const part = matching.slice(i, i + size);
        const views = await this.getSeen(
          part.map(([k]) => k),
          part.map(([, e]) => e),
        );
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
      if (areaId(v.finding.area) === docIds[i]) out.push(v);
      else void this.dropEntry(docIds[i], v.id);
    });
    return out;
  }

  /** Removes a stale index entry (its case lives under another area now). */
  protected dropEntry(docId: string, caseId: string): Promise<void> {
    return this.writer
      .apply([{ target: 'index', id: docId, unset: [entryPath(caseId)] }])
      .catch((err: unknown) => this.logger.warn({ err, caseId }, 'stale reconciliation index entry not removed'));
  }

  /** Live case counts of an area (its index documents). */
  async counts(area: { province: string; commune: string | null }): Promise<CaseCounts> {
    const byStatus = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as Record<CaseStatus, number>;
    const open = new Map<SourceName, Map<DefectKind, number>>();
    const docs = await Promise.all(indexIdsOf(area).map((id) => this.indexCol.findOne({ _id: id })));
    for (const d of docs) {
      for (const e of Object.values(d?.m ?? {})) {
        if (typeof e.k !== 'string') continue; // a partial entry (see entriesOf)
        const status = e.s ?? 'OPEN';
        byStatus[status]++;
        if (!OPEN_STATUSES.includes(status)) continue;
        const bar = e.k.indexOf('|');
        const source = e.k.slice(0, bar) as SourceName;
        const kind = e.k.slice(bar + 1) as DefectKind;
        let m = open.get(source);
        if (!m) open.set(source, (m = new Map<DefectKind, number>()));
        m.set(kind, (m.get(kind) ?? 0) + 1);
      }
    }
    return { byStatus, open };
  }
}
