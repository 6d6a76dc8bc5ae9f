/**
 * What one lifecycle transition changes in the report counters and lists: a pure function
 * from the transition to store operations. The live path (ReportWriter) and the rebuild
 * (replaying every account's history) use the same function, so they cannot disagree.
 */
import { vietnamDate } from '../calendar';
import type { AccountEventType, AccountGroup, AccountLevel, AccountStatus } from '../store';
import { mergeOp, toUpdate, type DocOp as StoreDocOp } from '../../../store/serial-writer';
import { daysId, listId, stockId, stockKey, type Flow, type ListName, type StoredListName } from './model';

export interface TransitionFact {
  personalId: string;
  area: { province: string; commune: string };
  /** The account's area before the move, when it changed (a re-registration elsewhere). */
  areaBefore?: { province: string; commune: string } | null;
  at: Date;
  event: AccountEventType;
  /** null: the person had no account (or this is the first history entry). */
  from: AccountStatus | null;
  to: AccountStatus;
  levelBefore: AccountLevel | null;
  levelAfter: AccountLevel;
  /** A Level 2 upgrade awaiting approval after the move. */
  pendingUpgradeAfter?: boolean;
  /** The approval deadline after the move (PENDING_APPROVAL list value). */
  approvalDueAt?: Date | null;
  /** The notice instant after the move (APPROVED_NOT_ACTIVATED list value). */
  notifiedAt?: Date | null;
  /** The account's report groups after the move (absent or empty: a citizen 14+). */
  groups?: AccountGroup[];
  /** Its groups before the move, when they changed (a re-registration). */
  groupsBefore?: AccountGroup[] | null;
}

/** The group whose population facts and NOT_REGISTERED members a person counts in (null: citizens 14+). */
export function populationGroup(groups: readonly AccountGroup[] | undefined | null): AccountGroup | null {
  return groups?.find((g) => g !== 'GUARDIAN_REGISTERED') ?? null;
}

/**
 * A list member's value: the seeds' value (a deadline or notice instant, "" before the notice, 1 on
 * NOT_REGISTERED) for citizens 14+; for the other groups the same followed by `#` and the groups
 * (`2026-11-20T16:59:59.999Z#CHILD_UNDER_6,GUARDIAN_REGISTERED`; on NOT_REGISTERED `#FOREIGNER`).
 */
export function encodeListValue(
  value: string | number,
  groups: readonly AccountGroup[] | undefined | null,
): string | number {
  return groups?.length ? `${value === 1 ? '' : value}#${groups.join(',')}` : value;
}

/** A list member's value read back: the instant ("" or null when none) and the groups. */
export function decodeListValue(v: unknown): { since: string | null; groups: AccountGroup[] } {
  if (typeof v !== 'string') return { since: null, groups: [] };
  const at = v.indexOf('#');
  if (at < 0) return { since: v || null, groups: [] };
  return {
    since: v.slice(0, at) || null,
    groups: v
      .slice(at + 1)
      .split(',')
      .filter(Boolean) as AccountGroup[],
  };
}

export type OpTarget = 'counters' | 'lists';

/** One counter or list document's change (see store/serial-writer.ts). */
export type DocOp = StoreDocOp<OpTarget>;
export { mergeOp, toUpdate };

/** The flow an event counts as (null: not counted). */
export function flowOf(fact: Pick<TransitionFact, 'event' | 'from' | 'to' | 'levelAfter'>): Flow | null {
  switch (fact.event) {
    case 'REGISTER_L1':
      return 'registered_l1';
    case 'REGISTER_L2':
      return 'registered_l2';
    case 'UPGRADE_TO_L2':
      return 'upgrade_requested';
    case 'APPROVE':
      return fact.from === 'PENDING' ? 'approved' : 'upgraded';
    case 'REJECT':
      return fact.from === 'PENDING' ? 'rejected' : 'upgrade_rejected';
    case 'NOTIFY':
      return 'notified';
    case 'ACTIVATE':
      return fact.levelAfter === 2 ? 'activated_l2' : 'activated_l1';
    case 'EXPIRE_ACTIVATION':
      return 'activation_expired';
    case 'REOPEN':
      return 'reopened';
    case 'LOCK':
      return fact.from === 'LOCKED' ? null : 'locked';
    case 'UNLOCK':
      return 'unlocked';
    case 'UNLOCK_REQUEST':
    case 'UNLOCK_REQUEST_REFUSE':
      return null; // the account stays LOCKED: nothing to count
    case 'PHONE_CHANGE':
      return 'phone_changed';
  }
}

/** The Vietnam day of an instant as [month "YYYY-MM", day "DD"]. */
export function dayKey(at: Date): [string, string] {
  const d = vietnamDate(at);
  return [d.slice(0, 7), d.slice(8, 10)];
}

function listMember(fact: TransitionFact, list: ListName): string | number | null {
  const v = listMemberValue(fact, list);
  if (v === null) return null;
  // NOT_REGISTERED: the population group only (a guardian did not register this person).
  const groups = list === 'NOT_REGISTERED' ? [populationGroup(fact.groups)].filter((g) => g !== null) : fact.groups;
  return encodeListValue(v, groups);
}

function listMemberValue(fact: TransitionFact, list: ListName): string | number | null {
  switch (list) {
    case 'PENDING_APPROVAL':
      return fact.to === 'PENDING' || fact.pendingUpgradeAfter ? (fact.approvalDueAt?.toISOString() ?? '') : null;
    case 'APPROVED_NOT_ACTIVATED':
      return fact.to === 'APPROVED' || fact.to === 'ACTIVATION_EXPIRED' ? (fact.notifiedAt?.toISOString() ?? '') : null;
    case 'NOT_REGISTERED':
      return fact.to === 'REJECTED' ? 1 : null;
  }
}

/**
 * The store operations for one transition: counters of the commune and of its province
 * (state counts, the day's flow and state change, the all-time total), and the commune's
 * lists (membership after the move). Set-based list operations are idempotent.
 */
export function opsForTransition(fact: TransitionFact): DocOp[] {
  const ops: DocOp[] = [];
  const flow = flowOf(fact);
  const [month, dd] = dayKey(fact.at);
  const before = fact.from && fact.levelBefore ? stockKey(fact.from, fact.levelBefore) : null;
  const after = stockKey(fact.to, fact.levelAfter);
  // A re-registration after a rejection may be in another area: the old state leaves the old area.
  const oldArea = fact.areaBefore ?? fact.area;
  const moved = oldArea.commune !== fact.area.commune;
  const s = new Map<string, Record<string, number>>();
  const d = new Map<string, Record<string, number>>();
  const add = (m: Map<string, Record<string, number>>, area: string, key: string, v: number) => {
    const o = m.get(area) ?? {};
    o[key] = (o[key] ?? 0) + v;
    m.set(area, o);
  };
  const groupsAfter = fact.groups ?? [];
  const groupsBefore = fact.groupsBefore ?? groupsAfter;
  const regrouped = groupsBefore.join() !== groupsAfter.join();
  if (before !== after || moved || regrouped) {
    for (const area of [oldArea.commune, oldArea.province]) {
      if (before) {
        add(s, area, `stock.${before}`, -1);
        add(d, area, `days.${dd}.s.${before}`, -1);
        // Each group of the account counts apart as well (`groups.<G>.…`, `days.<DD>.g.<G>.s.…`).
        for (const g of groupsBefore) {
          add(s, area, `groups.${g}.stock.${before}`, -1);
          add(d, area, `days.${dd}.g.${g}.s.${before}`, -1);
        }
      }
    }
    for (const area of [fact.area.commune, fact.area.province]) {
      add(s, area, `stock.${after}`, 1);
      add(d, area, `days.${dd}.s.${after}`, 1);
      for (const g of groupsAfter) {
        add(s, area, `groups.${g}.stock.${after}`, 1);
        add(d, area, `days.${dd}.g.${g}.s.${after}`, 1);
      }
    }
  }
  // Citizens 14+ with no account (kept live between the nightly population refreshes).
  const registers = fact.event === 'REGISTER_L1' || fact.event === 'REGISTER_L2';
  const delta = registers ? -1 : fact.to === 'REJECTED' && fact.from === 'PENDING' ? 1 : 0;
  // Citizens 14+ count in the seeds' figure, the other groups in their own.
  const popGroup = populationGroup(delta > 0 ? groupsBefore : groupsAfter);
  for (const area of [fact.area.commune, fact.area.province]) {
    if (flow) {
      add(s, area, `total.${flow}`, 1);
      add(d, area, `days.${dd}.f.${flow}`, 1);
      for (const g of groupsAfter) {
        add(s, area, `groups.${g}.total.${flow}`, 1);
        add(d, area, `days.${dd}.g.${g}.f.${flow}`, 1);
      }
    }
    if (delta)
      add(s, area, popGroup ? `population.groups.${popGroup}.notRegistered` : 'population.notRegistered', delta);
  }
  for (const [area, inc] of s) {
    const cleaned = Object.fromEntries(Object.entries(inc).filter(([, v]) => v !== 0));
    if (!Object.keys(cleaned).length) continue;
    ops.push({
      target: 'counters',
      id: stockId(area),
      inc: cleaned,
      setOnInsert: { area, province: area.slice(0, 2) },
    });
  }
  for (const [area, inc] of d) {
    const cleaned = Object.fromEntries(Object.entries(inc).filter(([, v]) => v !== 0));
    if (!Object.keys(cleaned).length) continue;
    ops.push({ target: 'counters', id: daysId(area, month), inc: cleaned, setOnInsert: { area, month } });
  }
  for (const list of ['PENDING_APPROVAL', 'APPROVED_NOT_ACTIVATED'] as const) {
    ops.push(listOp(list, fact, listMember(fact, list)));
    if (moved) ops.push(listOp(list, { ...fact, area: oldArea }, null));
  }
  // NOT_REGISTERED: leaves on registration, returns on a rejection of the first request (the other
  // groups' people in NOT_REGISTERED_GROUPS).
  if (registers || fact.to === 'REJECTED') {
    const list = notRegisteredList(fact.to === 'REJECTED' ? groupsBefore : groupsAfter);
    ops.push(listOp(list, fact, listMember(fact, 'NOT_REGISTERED')));
    if (moved) ops.push(listOp(list, { ...fact, area: oldArea }, null));
  }
  return ops;
}

/** The stored list of the people with no account of a group (citizens 14+: NOT_REGISTERED). */
export function notRegisteredList(groups: readonly AccountGroup[] | undefined | null): StoredListName {
  return populationGroup(groups) ? 'NOT_REGISTERED_GROUPS' : 'NOT_REGISTERED';
}

function listOp(list: StoredListName, fact: TransitionFact, value: string | number | null): DocOp {
  const id = listId(list, fact.area.commune);
  const path = `m.${fact.personalId}`;
  const setOnInsert = { list, commune: fact.area.commune, province: fact.area.province };
  return value === null
    ? { target: 'lists', id, unset: [path], setOnInsert }
    : { target: 'lists', id, set: { [path]: value }, setOnInsert };
}

/** Applies an op to a plain document in memory (the rebuild builds documents this way). */
export function applyInMemory(doc: Record<string, unknown>, op: DocOp, inserting: boolean): void {
  const walk = (path: string, create: boolean): [Record<string, unknown>, string] | null => {
    const parts = path.split('.');
    let cur = doc;
    for (const p of parts.slice(0, -1)) {
      let next = cur[p];
      if (next === undefined || next === null || typeof next !== 'object') {
        if (!create) return null;
        next = {};
        cur[p] = next;
      }
      cur = next as Record<string, unknown>;
    }
    return [cur, parts[parts.length - 1]];
  };
  if (inserting) for (const [k, v] of Object.entries(op.setOnInsert ?? {})) doc[k] = v;
  for (const [k, v] of Object.entries(op.inc ?? {})) {
    if (v === 0) continue;
    const [o, key] = walk(k, true)!;
    o[key] = ((o[key] as number | undefined) ?? 0) + v;
  }
  for (const [k, v] of Object.entries(op.set ?? {})) {
    const [o, key] = walk(k, true)!;
    o[key] = v;
  }
  for (const k of op.unset ?? []) {
    const w = walk(k, false);
    if (w) delete w[0][w[1]];
  }
}
