/**
 * The eligible groups in the reports and work lists (Decree 69/2024 Art. 7, 10 as summarised):
 * each group's figures read from its own counters (`groups.<GROUP>…` beside the area's, see
 * model.ts), and the work lists' group filter.
 */
import { ACCOUNT_GROUPS } from '../store';
import type { GroupPopulation, ListName, StoredListName } from './model';
import {
  add,
  countsAt,
  flowSummary,
  stateSummary,
  type AreaReport,
  type FlowSummary,
  type ListEntry,
  type RangeCounts,
  type StateSummary,
} from './read';

/** Citizens 14+ (the seeds' group: every account not in another group), then store.ts ACCOUNT_GROUPS. */
export const REPORT_GROUPS = ['CITIZEN_14', ...ACCOUNT_GROUPS] as const;
export type ReportGroup = (typeof REPORT_GROUPS)[number];

/** One group's figures in a report (the same definitions as the area's). */
export interface GroupReport {
  group: ReportGroup;
  period: FlowSummary;
  cumulative: FlowSummary;
  atEnd: StateSummary;
  /** The people of the group and those with no account, from the last refresh (null before one; GUARDIAN_REGISTERED: null). */
  population: GroupPopulation | null;
}

/** Each group's figures; citizens 14+ are the area's less the three groups that partition the rest. */
export function groupReports(report: Pick<AreaReport, 'counts' | 'population'>): GroupReport[] {
  const { stock, days, range, all } = report.counts;
  const population = report.population;
  const rest: RangeCounts = {
    period: { ...all.period },
    cumulative: { ...all.cumulative },
    atEndStock: { ...all.atEndStock },
    pendingUpgrades: all.pendingUpgrades,
  };
  const out: GroupReport[] = [];
  for (const g of ACCOUNT_GROUPS) {
    const c = countsAt(stock, days, range, g);
    if (g !== 'GUARDIAN_REGISTERED') {
      add(rest.period, c.period, -1);
      add(rest.cumulative, c.cumulative, -1);
      add(rest.atEndStock, c.atEndStock, -1);
      rest.pendingUpgrades -= c.pendingUpgrades;
    }
    const p =
      population && g !== 'GUARDIAN_REGISTERED' ? (population.groups?.[g] ?? { eligible: 0, notRegistered: 0 }) : null;
    out.push({
      group: g,
      period: flowSummary(c.period),
      cumulative: flowSummary(c.cumulative),
      atEnd: stateSummary(c.atEndStock, c.pendingUpgrades),
      population: p
        ? { eligible: p.eligible, notRegistered: Math.max(0, Math.min(p.eligible, p.notRegistered)) }
        : null,
    });
  }
  out.unshift({
    group: 'CITIZEN_14',
    period: flowSummary(rest.period),
    cumulative: flowSummary(rest.cumulative),
    atEnd: stateSummary(rest.atEndStock, Math.max(0, rest.pendingUpgrades)),
    population: population ? { eligible: population.eligible14, notRegistered: population.notRegistered } : null,
  });
  return out;
}

/**
 * The members of a group: CITIZEN_14 those in no other group; without a group every member of an
 * account list and the citizens 14+ of NOT_REGISTERED (the lists' meaning before the groups).
 */
export function groupFilter(
  list: ListName,
  group: ReportGroup | null | undefined,
): ((e: ListEntry) => boolean) | undefined {
  const g = group ?? (list === 'NOT_REGISTERED' ? 'CITIZEN_14' : null);
  if (!g) return undefined;
  return g === 'CITIZEN_14' ? (e) => e.groups.length === 0 : (e) => e.groups.includes(g);
}

/** The stored list a public list and group read (NOT_REGISTERED of another group: NOT_REGISTERED_GROUPS). */
export function storedList(list: ListName, group: ReportGroup | null | undefined): StoredListName {
  return list === 'NOT_REGISTERED' && group && group !== 'CITIZEN_14' ? 'NOT_REGISTERED_GROUPS' : list;
}

/** A member's groups as the API names them (CITIZEN_14 for no other). */
export const entryGroups = (e: ListEntry): ReportGroup[] => (e.groups.length ? e.groups : ['CITIZEN_14']);
