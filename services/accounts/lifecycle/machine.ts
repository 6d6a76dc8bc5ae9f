/**
 * The e-identity account lifecycle (Decree 59/2022) as one explicit, pure state machine.
 *
 * `apply(account, event, ctx)` never throws and never touches the store: it returns the next
 * account document (a copy) and the history entry it appended, or a `userError` with a code.
 * Deadlines (the approval deadline in working days) are computed elsewhere and passed in
 * through `ctx`; the 7-day activation window is calendar days and is checked by the guards.
 *
 * `TRANSITIONS` (table.ts) is the table of legal (state × event → state) moves; a move not in
 * the table is refused with ILLEGAL_TRANSITION (or a more specific code). A move in the table
 * may still be refused by its guard (guards.ts: who may do it, fingerprints, the activation
 * window, ownership, …).
 */
import { ACTIVATION_WINDOW_DAYS } from '../calendar';
import type {
  AccountEvent,
  AccountState,
  Actor,
  ApplyResult,
  LifecycleAccount,
  LifecycleContext,
  LifecycleHistoryEntry,
} from '../model';
import type { AccountDoc } from '../store';
import { actorLabel, fail, guardAndUpdate, lockReasonOf } from './guards';
import { transitionFor } from './table';

/** History entries an account keeps (the latest); `accountEvents` keeps every step. */
export const MAX_ACCOUNT_HISTORY = 200;

/** The specific code for a move that is not in the table. */
function illegal(from: AccountState, event: AccountEvent, account: LifecycleAccount | null): ApplyResult {
  const t = event.type;
  if ((t === 'REGISTER_L1' || t === 'REGISTER_L2') && account) {
    return fail(
      'ALREADY_REGISTERED',
      `This person already has an account (${from}, Level ${account.level})${
        account.level === 1 && t === 'REGISTER_L2' ? '; use UPGRADE_TO_L2' : ''
      }`,
    );
  }
  if (!account) return fail('NO_ACCOUNT', `${t} needs an account; this person has none (register first)`);
  if (t === 'UPGRADE_TO_L2' && account.level === 2) return fail('LEVEL_ALREADY_2', 'The account is already Level 2');
  if (t === 'ACTIVATE' && from === 'ACTIVATION_EXPIRED') {
    return fail(
      'ACTIVATION_WINDOW_CLOSED',
      'The 7-day activation window has closed; an officer must reopen the account',
    );
  }
  return fail('ILLEGAL_TRANSITION', `${t} is not allowed from state ${from}`);
}

const LOCK_VIA_DEFAULT: Record<Actor['kind'], string> = { citizen: 'APP', officer: 'HOTLINE', system: 'SWEEP' };

/** The history's reason when the event gives none. */
function defaultReason(event: AccountEvent, account: LifecycleAccount): string {
  switch (event.type) {
    case 'REGISTER_L1':
      return event.guardianId
        ? 'registered Level 1 by a parent or guardian through their Level 2 account'
        : 'registered Level 1 in the app';
    case 'REGISTER_L2':
      return 'registered Level 2 in person, fingerprints captured';
    case 'UPGRADE_TO_L2':
      return 'Level 2 upgrade requested in person, fingerprints captured';
    case 'APPROVE':
      return account.status === 'PENDING' ? 'approved' : 'Level 2 upgrade approved';
    case 'REJECT':
      return event.reason;
    case 'NOTIFY':
      return `notified by ${event.channel}`;
    case 'ACTIVATE':
      return 'activated with a one-time code';
    case 'EXPIRE_ACTIVATION':
      return `not activated within ${ACTIVATION_WINDOW_DAYS} days of the notice`;
    case 'REOPEN':
      return 'reopened by an officer';
    case 'LOCK':
      return `locked (${event.by.kind === 'system' ? 'system' : lockReasonOf(event.by)}, via ${event.via ?? LOCK_VIA_DEFAULT[event.by.kind]})`;
    case 'UNLOCK':
      return event.authorityRequest
        ? `unlocked at the request of ${account.unlockRequest?.authority ?? 'an authority'}`
        : 'unlocked after the holder proved ownership';
    case 'UNLOCK_REQUEST_REFUSE':
      return event.reason;
    case 'UNLOCK_REQUEST':
      return `unlock requested by ${event.authority}; to forward by ${event.forwardDueAt.toISOString()}, to decide by ${event.dueAt.toISOString()}`;
    case 'PHONE_CHANGE':
      return event.by.kind === 'officer' ? 'phone number changed in person' : 'phone number changed online';
  }
}

/**
 * Applies one event. `account` is null when the person has no account yet. Never throws for
 * anything a user can cause; the returned account is a new object (the input is not modified).
 */
export function apply(account: AccountDoc | null, event: AccountEvent, ctx: LifecycleContext = {}): ApplyResult {
  const current: LifecycleAccount | null = account;
  const from: AccountState = current ? current.status : 'NONE';
  const transition = transitionFor(from, event.type);
  if (!transition) return illegal(from, event, current);

  const step = guardAndUpdate(current, event, ctx);
  if (!step.ok) return step;

  const next = step.account;
  next.status = transition.to;
  next.updatedAt = event.at;
  const entry: LifecycleHistoryEntry = {
    at: event.at,
    from: current ? current.status : null,
    to: transition.to,
    level: next.level,
    by: actorLabel(event.by),
    event: event.type,
    reason: event.reason?.trim() || defaultReason(event, current ?? next),
  };
  if ((event.type === 'REGISTER_L1' || event.type === 'REGISTER_L2') && next.groups?.length) entry.groups = next.groups;
  // Only the latest entries: the account stays small however many steps it takes (every step is
  // kept in `accountEvents`, and each of those copies the account).
  next.history = [...(current?.history ?? []), entry].slice(-MAX_ACCOUNT_HISTORY);
  return { ok: true, account: next, entry };
}
