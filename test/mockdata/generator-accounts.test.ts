import { DEFAULT_CALENDAR, addWorkingDays, approvalDeadlineDays, vietnamDate } from '../../services/accounts/calendar';
import { activationDeadline } from '../../services/accounts/calendar';
import { transitionFor } from '../../services/accounts/lifecycle/table';
import type { AccountState } from '../../services/accounts/model';
import type { AccountDoc, AccountLevel } from '../../services/accounts/store';
import { TODAY } from '../../mockdata/generator/dates';
import { generateAll } from '../../mockdata/generator/generate';

const CITIZENS = 4000;
const SEED = 777;
/** The end of the generator's "today" in Vietnam (no history entry is later). */
const END_OF_TODAY = (TODAY + 1) * 86_400_000 - 7 * 3_600_000 - 1;

let accounts: AccountDoc[];
beforeAll(() => {
  accounts = generateAll({ citizens: CITIZENS, seed: SEED }).accounts;
});

/** Replays an account's history through the lifecycle's table; the first problem, or null. */
function replayProblem(acc: AccountDoc): string | null {
  const h = acc.history;
  if (h.length === 0) return 'empty history';
  if (h[0].from !== null) return 'first entry does not start from nothing';
  let state: AccountState = 'NONE';
  let level: AccountLevel | null = null;
  let pendingUpgrade = false;
  for (let i = 0; i < h.length; i++) {
    const e = h[i];
    if (!e.event) return `entry ${i} has no event`;
    if (i > 0 && e.from !== h[i - 1].to) return `entry ${i}: from ${e.from} after ${h[i - 1].to}`;
    if (i > 0 && e.at.getTime() < h[i - 1].at.getTime()) return `entry ${i}: not in time order`;
    if (e.at.getTime() > END_OF_TODAY) return `entry ${i}: after today (${e.at.toISOString()})`;
    const t = transitionFor(state, e.event);
    if (!t) return `entry ${i}: ${e.event} is illegal from ${state}`;
    if (t.to !== e.to) return `entry ${i}: ${e.event} from ${state} leads to ${t.to}, not ${e.to}`;
    // The level after the entry.
    switch (e.event) {
      case 'REGISTER_L1':
        if (e.by !== 'citizen') return `entry ${i}: REGISTER_L1 by ${e.by}`;
        level = 1;
        break;
      case 'REGISTER_L2':
        if (!e.by.startsWith('officer:')) return `entry ${i}: REGISTER_L2 by ${e.by}`;
        level = 2;
        break;
      case 'UPGRADE_TO_L2':
        if (level !== 1 || pendingUpgrade) return `entry ${i}: upgrade of a Level ${level} account`;
        pendingUpgrade = true;
        break;
      case 'APPROVE':
        if (state !== 'PENDING') {
          if (!pendingUpgrade) return `entry ${i}: APPROVE with no pending upgrade`;
          pendingUpgrade = false;
          level = 2;
        }
        break;
      case 'NOTIFY':
        if (e.by !== 'system' || e.at.getTime() !== acc.notifiedAt?.getTime()) return `entry ${i}: NOTIFY`;
        break;
      case 'ACTIVATE':
        if (e.at.getTime() > activationDeadline(acc.notifiedAt!).getTime()) return `entry ${i}: activated too late`;
        break;
      case 'EXPIRE_ACTIVATION':
        if (e.at.getTime() <= activationDeadline(acc.notifiedAt!).getTime()) return `entry ${i}: expired too early`;
        break;
      default:
        break;
    }
    if (e.level !== level) return `entry ${i}: level ${e.level}, expected ${level}`;
    state = t.to;
  }
  if (state !== acc.status) return `history ends in ${state}, account is ${acc.status}`;
  if (h[h.length - 1].level !== acc.level) return `history ends at level ${h[h.length - 1].level}`;
  if (pendingUpgrade) return 'an upgrade is left pending';
  if (acc.seq !== h.length) return `seq ${acc.seq}, history ${h.length}`;
  if (acc.updatedAt.getTime() !== h[h.length - 1].at.getTime()) return 'updatedAt is not the last entry';
  if (acc.status === 'PENDING') {
    if (!acc.approvalDueAt || !(acc.approvalDueAt.getTime() > acc.registeredAt.getTime()))
      return `approvalDueAt ${acc.approvalDueAt?.toISOString()} not after registration`;
    const due = addWorkingDays(
      acc.registeredAt,
      approvalDeadlineDays({ level: acc.level, hasChipCard: acc.hasChipCard }),
      DEFAULT_CALENDAR,
    );
    if (acc.approvalDueAt.getTime() !== Date.parse(`${due}T23:59:59.999+07:00`)) return 'approvalDueAt';
    if (vietnamDate(acc.approvalDueAt) !== due) return 'approvalDueAt not on the deadline day';
  } else if (acc.approvalDueAt) return 'approvalDueAt on a decided account';
  return null;
}

describe('generated e-identity account histories', () => {
  it('replay through the lifecycle from nothing to the account', () => {
    expect(accounts.length).toBeGreaterThan(CITIZENS * 0.45);
    const bad: string[] = [];
    for (const acc of accounts) {
      const p = replayProblem(acc);
      if (p) bad.push(`${acc._id} (${acc.status}): ${p}`);
      if (bad.length >= 10) break;
    }
    expect(bad).toEqual([]);
  });

  it('cover every status and the upgrade path', () => {
    const statuses = new Set(accounts.map((a) => a.status));
    expect(statuses.size).toBe(6);
    const events = new Set(accounts.flatMap((a) => a.history.map((e) => e.event)));
    for (const e of [
      'REGISTER_L1',
      'REGISTER_L2',
      'UPGRADE_TO_L2',
      'APPROVE',
      'REJECT',
      'NOTIFY',
      'ACTIVATE',
      'EXPIRE_ACTIVATION',
      'LOCK',
    ] as const)
      expect(events).toContain(e);
  });

  it('keeps a fixed key order (seq after updatedAt, approvalDueAt last)', () => {
    const pending = accounts.find((a) => a.status === 'PENDING' && a.email === undefined)!;
    expect(Object.keys(pending)).toEqual([
      '_id',
      'level',
      'status',
      'phone',
      'area',
      'hasChipCard',
      'registeredAt',
      'history',
      'updatedAt',
      'seq',
      'approvalDueAt',
    ]);
  });
});
