/**
 * Reading the reports: every number comes from a handful of counter documents read by `_id`
 * (the area's `S|` document and its `D|` documents for the months from the range's start to
 * today), whatever the number of accounts. A province's commune rows add the same per commune.
 */
import { communeByCode, provinceByCode, PROVINCES } from '../../../reference/areas';
import type { Store } from '../../../store/connection';
import { echoShort } from '../../../lib/errors';
import type { AccountGroup } from '../store';
import { decodeListValue } from './ops';
import {
  FLOWS,
  REPORT_COUNTERS_COLLECTION,
  REPORT_LISTS_COLLECTION,
  REPORT_TARGETS_COLLECTION,
  daysId,
  isCommuneCode,
  isProvinceCode,
  listId,
  stockId,
  STATUSES,
  type AreaDaysDoc,
  type AreaListDoc,
  type AreaStockDoc,
  type AreaTargetDoc,
  type Counts,
  type DayCounts,
  type Flow,
  type StoredListName,
  type PopulationFacts,
  type StockKey,
} from './model';

export interface AreaInfo {
  code: string;
  name: string;
  /** NATIONAL: the whole country (code VN), for national reconciliation only (see resolvers/reconciliation). */
  kind: 'PROVINCE' | 'COMMUNE' | 'NATIONAL';
  province: string;
}

/** The area for a code of today's units, or null when unknown. */
export function areaInfo(code: string): AreaInfo | null {
  if (isProvinceCode(code)) {
    const p = provinceByCode(code);
    return p ? { code, name: p.fullName, kind: 'PROVINCE', province: code } : null;
  }
  if (isCommuneCode(code)) {
    const c = communeByCode(code);
    return c ? { code, name: c.name, kind: 'COMMUNE', province: c.provinceCode } : null;
  }
  return null;
}

/** An area as `{province, commune}` (`commune` null for a province). */
export function areaOfInfo(a: AreaInfo): { province: string; commune: string | null } {
  return { province: a.province, commune: a.kind === 'COMMUNE' ? a.code : null };
}

/** The communes/wards of a province, in code order. */
export function communesOf(province: string): string[] {
  const p = PROVINCES.find((x) => x.code === province);
  return p ? p.communes.map((c) => c.code).sort() : [];
}

export interface ByLevel {
  level1: number;
  level2: number;
  total: number;
}

export interface FlowSummary {
  collected: ByLevel;
  upgradesRequested: number;
  approved: number;
  upgraded: number;
  rejected: number;
  activated: ByLevel;
  activationExpired: number;
  reopened: number;
  locked: number;
  unlocked: number;
  /** activated / collected (null when nothing was collected). */
  activationRate: number | null;
}

export interface StateSummary {
  accounts: ByLevel;
  pendingApproval: number;
  approvedNotActivated: number;
  activationExpired: number;
  active: ByLevel;
  locked: number;
  rejected: number;
}

export interface DayRow {
  date: string;
  collected: number;
  activated: number;
  collectedTarget: number | null;
  activatedTarget: number | null;
  /** Cumulative actual / cumulative target from the range's start (null without a target). */
  collectedProgress: number | null;
  activatedProgress: number | null;
}

export interface AreaReport {
  area: AreaInfo;
  from: string;
  to: string;
  /** Events in the range. */
  period: FlowSummary;
  /** Events from the beginning up to the end of `to`. */
  cumulative: FlowSummary;
  /** Accounts per state at the end of `to`. */
  atEnd: StateSummary;
  /** Citizens 14+ and those with no account, from the last population refresh. */
  population: PopulationFacts | null;
  /** Citizens 14+ with no activated account: not registered + approved but not activated. */
  withoutActivatedAccount: number | null;
  targets: { collectedPerDay: number | null; activatedPerDay: number | null } | null;
  /** One row per day of the range (ranges up to 366 days). */
  daily: DayRow[];
  /** What the groups' figures are read from (reports/groups.ts; not part of the API). */
  counts: ReportCounts;
}

/** The documents a report read, for the groups' figures. */
export interface ReportCounts {
  stock: AreaStockDoc | undefined;
  days: Map<string, DayCounts>;
  range: ReportRange;
  all: RangeCounts;
}

const DAY_MS = 86_400_000;

function dayNumber(iso: string): number {
  return Math.floor(Date.parse(iso + 'T00:00:00Z') / DAY_MS);
}

function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function add<K extends string>(into: Counts<K>, from: Counts<K> | undefined, sign = 1): void {
  if (!from) return;
  for (const [k, v] of Object.entries(from) as Array<[K, number]>) into[k] = (into[k] ?? 0) + sign * v;
}

function byLevel(l1: number, l2: number): ByLevel {
  return { level1: l1, level2: l2, total: l1 + l2 };
}

export function flowSummary(f: Counts<Flow>): FlowSummary {
  const n = (k: Flow) => f[k] ?? 0;
  const collected = byLevel(n('registered_l1'), n('registered_l2'));
  const activated = byLevel(n('activated_l1'), n('activated_l2'));
  return {
    collected,
    upgradesRequested: n('upgrade_requested'),
    approved: n('approved'),
    upgraded: n('upgraded'),
    rejected: n('rejected'),
    activated,
    activationExpired: n('activation_expired'),
    reopened: n('reopened'),
    locked: n('locked'),
    unlocked: n('unlocked'),
    activationRate: collected.total ? activated.total / collected.total : null,
  };
}

export function stateSummary(s: Counts<StockKey>, pendingUpgrades: number): StateSummary {
  const n = (status: (typeof STATUSES)[number], level: 1 | 2) => s[`${status}_${level}`] ?? 0;
  const both = (status: (typeof STATUSES)[number]) => n(status, 1) + n(status, 2);
  const levels: [number, number] = [0, 0];
  for (const st of STATUSES) {
    if (st === 'REJECTED') continue;
    levels[0] += n(st, 1);
    levels[1] += n(st, 2);
  }
  return {
    accounts: byLevel(levels[0], levels[1]),
    pendingApproval: both('PENDING') + pendingUpgrades,
    approvedNotActivated: both('APPROVED') + both('ACTIVATION_EXPIRED'),
    activationExpired: both('ACTIVATION_EXPIRED'),
    active: byLevel(n('ACTIVE', 1), n('ACTIVE', 2)),
    locked: both('LOCKED'),
    rejected: both('REJECTED'),
  };
}

async function byIds<T>(store: Store, collection: string, ids: string[]): Promise<Map<string, T>> {
  const col = store.hubDb.collection(collection);
  const docs = await Promise.all(ids.map((id) => col.findOne({ _id: id as never })));
  const out = new Map<string, T>();
  docs.forEach((d, i) => d && out.set(ids[i], d as T));
  return out;
}

export class ReportInputError extends Error {}

/** "YYYY-MM" of every month from the one of `from` to the one of `to` ("YYYY-MM-DD"). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const end = to.slice(0, 7);
  for (;;) {
    const ym = `${y}-${String(m).padStart(2, '0')}`;
    if (ym > end) break;
    out.push(ym);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

export interface ReportRange {
  from: string;
  to: string;
  /** Today in Vietnam ("YYYY-MM-DD"); counters after it do not exist yet. */
  today: string;
}

export const MAX_DAILY_ROWS = 366;

/** Checks a range: ISO days, 2022-01-01 ≤ from ≤ to ≤ today. */
export const EARLIEST_REPORT_DAY = '2022-01-01';

export function checkRange(r: ReportRange): void {
  if (r.from < EARLIEST_REPORT_DAY) {
    throw new ReportInputError(
      `from (${r.from}) is before ${EARLIEST_REPORT_DAY}: e-identity accounts started in 2022`,
    );
  }
  if (r.from > r.to) throw new ReportInputError(`from (${r.from}) is after to (${r.to})`);
  if (r.to > r.today) throw new ReportInputError(`to (${r.to}) is after today (${r.today})`);
}

/** Reads one area's report. */
export async function areaReport(store: Store, code: string, range: ReportRange): Promise<AreaReport> {
  const area = areaInfo(code);
  if (!area) throw new ReportInputError(`Unknown area code${echoShort(code)}`);
  checkRange(range);
  const months = monthsBetween(range.from, range.today);
  const [stocks, dayDocs, targets] = await Promise.all([
    byIds<AreaStockDoc>(store, REPORT_COUNTERS_COLLECTION, [stockId(code)]),
    byIds<AreaDaysDoc>(
      store,
      REPORT_COUNTERS_COLLECTION,
      months.map((m) => daysId(code, m)),
    ),
    byIds<AreaTargetDoc>(store, REPORT_TARGETS_COLLECTION, [code]),
  ]);
  const stock = stocks.get(stockId(code));
  const days = new Map<string, DayCounts>();
  for (const doc of dayDocs.values()) {
    for (const [dd, c] of Object.entries(doc.days ?? {})) days.set(`${doc.month}-${dd}`, c);
  }
  const all = countsAt(stock, days, range, null);
  const atEnd = stateSummary(all.atEndStock, all.pendingUpgrades);
  const target = targets.get(code);
  const p = stock?.population;
  // Facts exist once a population refresh has run for the area (live updates alone are not enough).
  const population =
    p && typeof p.eligible14 === 'number' && p.asOf
      ? { ...p, notRegistered: Math.max(0, Math.min(p.eligible14, p.notRegistered ?? 0)) }
      : null;
  const daily: DayRow[] = [];
  const d0 = dayNumber(range.from);
  const d1 = dayNumber(range.to);
  if (d1 - d0 + 1 <= MAX_DAILY_ROWS) {
    let cumC = 0;
    let cumA = 0;
    for (let d = d0; d <= d1; d++) {
      const date = isoOf(d);
      const f = days.get(date)?.f ?? {};
      const collected = (f.registered_l1 ?? 0) + (f.registered_l2 ?? 0);
      const activated = (f.activated_l1 ?? 0) + (f.activated_l2 ?? 0);
      cumC += collected;
      cumA += activated;
      const n = d - d0 + 1;
      const ct = target?.collectedPerDay ?? null;
      const at = target?.activatedPerDay ?? null;
      daily.push({
        date,
        collected,
        activated,
        collectedTarget: ct,
        activatedTarget: at,
        collectedProgress: ct ? cumC / (ct * n) : null,
        activatedProgress: at ? cumA / (at * n) : null,
      });
    }
  }
  return {
    area,
    from: range.from,
    to: range.to,
    period: flowSummary(all.period),
    cumulative: flowSummary(all.cumulative),
    atEnd,
    population,
    withoutActivatedAccount: population ? population.notRegistered + atEnd.approvedNotActivated : null,
    targets: target ? { collectedPerDay: target.collectedPerDay, activatedPerDay: target.activatedPerDay } : null,
    daily,
    counts: { stock, days, range, all },
  };
}

export interface RangeCounts {
  period: Counts<Flow>;
  cumulative: Counts<Flow>;
  atEndStock: Counts<StockKey>;
  pendingUpgrades: number;
}

/** The area's counts for the range (group null), or one group's (its own counters). */
export function countsAt(
  stock: AreaStockDoc | undefined,
  days: Map<string, DayCounts>,
  range: ReportRange,
  group: AccountGroup | null,
): RangeCounts {
  const period: Counts<Flow> = {};
  const after: Counts<Flow> = {};
  const stockAfter: Counts<StockKey> = {};
  for (const [date, day] of days) {
    const c = group ? day.g?.[group] : day;
    if (!c) continue;
    if (date >= range.from && date <= range.to) add(period, c.f);
    if (date > range.to) {
      add(after, c.f);
      add(stockAfter, c.s);
    }
  }
  const own = group ? stock?.groups?.[group] : stock;
  const cumulative: Counts<Flow> = {};
  add(cumulative, own?.total);
  add(cumulative, after, -1);
  const atEndStock: Counts<StockKey> = {};
  add(atEndStock, own?.stock);
  add(atEndStock, stockAfter, -1);
  const pendingUpgrades =
    (cumulative.upgrade_requested ?? 0) - (cumulative.upgraded ?? 0) - (cumulative.upgrade_rejected ?? 0);
  return { period, cumulative, atEndStock, pendingUpgrades: Math.max(0, pendingUpgrades) };
}

/** Every flow name, for the CSV of a report. */
export const FLOW_NAMES: readonly Flow[] = FLOWS;

// ---------------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------------

export interface ListEntry {
  personalId: string;
  commune: string;
  /** The list's value: a deadline or notice instant (ISO), or null. */
  since: string | null;
  /** The member's report groups (empty: a citizen 14+). */
  groups: AccountGroup[];
}

export interface ListPage {
  entries: ListEntry[];
  /** Opaque cursor of the last entry (null when the page is empty). */
  endCursor: string | null;
  hasNextPage: boolean;
  /** Members of the list in the area (all pages); reads every commune's list, so only on demand. */
  totalCount(): Promise<number>;
}

export function encodeCursor(commune: string, personalId: string): string {
  return Buffer.from(`${commune}:${personalId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { commune: string; personalId: string } | null {
  const s = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(\d{5}):(\d{12})$/.exec(s);
  return m ? { commune: m[1], personalId: m[2] } : null;
}

/** The communes a list page walks for an area (the commune itself, or the province's, in order). */
export function listCommunes(area: AreaInfo): string[] {
  return area.kind === 'COMMUNE' ? [area.code] : communesOf(area.code);
}

/** The members of one commune's list, sorted by personal ID. */
export async function listMembers(
  store: Store,
  list: StoredListName,
  commune: string,
): Promise<Array<[string, string | number]>> {
  const doc = (await store.hubDb
    .collection(REPORT_LISTS_COLLECTION)
    .findOne({ _id: listId(list, commune) as never })) as AreaListDoc | null;
  return Object.entries(doc?.m ?? {}).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const toEntry = (commune: string, [id, v]: [string, string | number]): ListEntry => {
  const { since, groups } = decodeListValue(v);
  return { personalId: id, commune, since, groups };
};

/**
 * One page of a list for an area, after `after` (a cursor from a previous page). Walks the
 * communes in code order from the cursor's, reading one list document each, and stops once the
 * page (and one more entry, for `hasNextPage`) is filled; `filter` applies before paging.
 */
export async function listPage(
  store: Store,
  list: StoredListName,
  area: AreaInfo,
  opts: { first: number; after?: string | null; filter?: (e: ListEntry) => boolean },
): Promise<ListPage> {
  const communes = listCommunes(area);
  const cur = opts.after ? decodeCursor(opts.after) : null;
  if (opts.after && (!cur || !communes.includes(cur.commune))) throw new ReportInputError('Invalid cursor');
  const read = new Map<string, Promise<Array<[string, string | number]>>>();
  const members = (c: string) => {
    let p = read.get(c);
    if (!p) read.set(c, (p = listMembers(store, list, c)));
    return p;
  };
  const entries: ListEntry[] = [];
  let more = false;
  for (const commune of communes.slice(cur ? communes.indexOf(cur.commune) : 0)) {
    for (const m of await members(commune)) {
      const e = toEntry(commune, m);
      if (opts.filter && !opts.filter(e)) continue;
      if (cur && commune === cur.commune && e.personalId <= cur.personalId) continue;
      if (entries.length < opts.first) entries.push(e);
      else {
        more = true;
        break;
      }
    }
    if (more) break;
  }
  const last = entries[entries.length - 1];
  return {
    entries,
    endCursor: last ? encodeCursor(last.commune, last.personalId) : null,
    hasNextPage: more,
    async totalCount() {
      let n = 0;
      for (const l of await Promise.all(communes.map(members))) {
        for (const m of l) if (!opts.filter || opts.filter(toEntry('', m))) n++;
      }
      return n;
    },
  };
}

/** Streams a whole list for an area in chunks (commune by commune), for the CSV export; `filter` keeps some. */
export async function* listChunks(
  store: Store,
  list: StoredListName,
  area: AreaInfo,
  chunk = 200,
  filter?: (e: ListEntry) => boolean,
): AsyncGenerator<ListEntry[]> {
  for (const commune of listCommunes(area)) {
    let members = (await listMembers(store, list, commune)).map((m) => toEntry(commune, m));
    if (filter) members = members.filter(filter);
    for (let i = 0; i < members.length; i += chunk) yield members.slice(i, i + chunk);
  }
}
