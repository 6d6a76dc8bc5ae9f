/**
 * The case state machine, pure: which action applies to which status and where it leads, what
 * is refused and why, and the case (status, assignee, notes, history) an action leaves. Storing
 * it (the compare-and-set, the index, the roll-forward) is cases.ts's.
 *
 * ```
 * OPEN ──CONFIRM──▶ CONFIRMED ──RESOLVE──▶ RESOLVED
 *   │                  │                      │
 *   └──DISMISS──┐  ┌──DISMISS                 │ REOPEN (officer) / RECURRED (a later run found it again)
 *               ▼  ▼                          ▼
 *             DISMISSED ──REOPEN──▶ OPEN ◀────┘
 * OPEN | CONFIRMED ──CLEARED──▶ RESOLVED   (a later run over the area no longer finds it)
 * ```
 * plus `ASSIGN` (assignee) and `NOTE` (a note), which keep the status.
 */
import type { CaseChangeRecord } from '../audit/model';
import { illegalTransition } from './case-refusals';
import {
  CASE_STATUSES,
  type CaseAction,
  type CaseDoc,
  type CaseEventType,
  type CaseHistoryEntry,
  type CaseStatus,
  type CaseUserError,
  type CaseView,
  type FindingDoc,
} from './model';

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

const ASSIGNEE = /^[A-Za-z0-9._:@-]{1,64}$/;

/** The action's note, trimmed ('' when none). */
export function noteOf(action: CaseAction): string {
  return 'note' in action ? (action.note?.trim() ?? '') : '';
}

/** What is wrong with an action whatever the case (its note, its assignee), or null. */
export function inputError(action: CaseAction, note: string): CaseUserError | null {
  if (note.length > MAX_NOTE_LENGTH) {
    return { code: 'NOTE_TOO_LONG', message: `A note has at most ${MAX_NOTE_LENGTH} characters` };
  }
  if (action.type === 'NOTE' && !note) return { code: 'NOTE_REQUIRED', message: 'The note is empty' };
  if (action.type === 'ASSIGN' && action.assignee !== null && !ASSIGNEE.test(action.assignee)) {
    return { code: 'INVALID_ASSIGNEE', message: 'An assignee is an officer id (1–64 letters, digits, . _ : @ -)' };
  }
  return null;
}

/**
 * Why the action does not apply to the case as it is, or null. An illegal move is said first; a
 * move that is legal but closes the case without saying why is refused next: RESOLVE needs a
 * note (what was corrected, where) and DISMISS a reason, whoever asks (the API, not only the
 * workbench), so that every closed case says in its history why it was closed.
 */
export function transitionError(view: CaseView, action: CaseAction, note = noteOf(action)): CaseUserError | null {
  if (!CASE_MOVES[action.type].from.includes(view.status)) {
    // In plain words: the status, what was asked, what the case allows (case-refusals.ts).
    const { message, allowed } = illegalTransition(view.status, action.type, CASE_MOVES);
    return { code: 'ILLEGAL_TRANSITION', message, status: view.status, allowed };
  }
  if ((action.type === 'RESOLVE' || action.type === 'DISMISS') && !note) {
    const message =
      action.type === 'DISMISS'
        ? 'Say why the case is dismissed (a reason is required)'
        : 'Say what was corrected and where (a note is required to resolve a case)';
    return { code: 'NOTE_REQUIRED', message, status: view.status };
  }
  if (action.type === 'RECURRED' && view.updatedAt >= action.runStartedAt) {
    return { code: 'ILLEGAL_TRANSITION', message: 'Resolved after the run started' };
  }
  if (action.type === 'ASSIGN' && action.onlySelf !== undefined) {
    const self = action.onlySelf;
    const allowed =
      action.assignee === self
        ? view.assignee === null || view.assignee === self
        : action.assignee === null && view.assignee === self;
    if (!allowed) {
      const message =
        'Data-cleaning officers take unassigned cases for themselves or release their own; supervisors assign';
      return { code: 'INVALID_ASSIGNEE', message };
    }
  }
  if (action.type === 'NOTE' && view.notes.filter((n) => (n.event ?? 'NOTE') === 'NOTE').length >= MAX_NOTES) {
    return { code: 'TOO_MANY_NOTES', message: `A case keeps at most ${MAX_NOTES} notes` };
  }
  return null;
}

/** An assignment that changes nothing (the same assignee, no note): nothing to commit. */
export function changesNothing(view: CaseView, action: CaseAction, note: string): boolean {
  return action.type === 'ASSIGN' && action.assignee === view.assignee && !note;
}

/**
 * The case as the action leaves it (step `seq`, at `at`, by `by`: `officer:<id>` or `run:<id>`),
 * its note and history entry appended (the oldest dropped beyond the caps), and the change as
 * the audit records it.
 */
export function nextState(
  finding: FindingDoc,
  view: CaseView,
  step: { seq: number; at: Date; by: string },
  action: CaseAction,
  note: string,
): { next: CaseDoc; change: CaseChangeRecord } {
  const { seq, at, by } = step;
  const to = CASE_MOVES[action.type].to ?? view.status;
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
    _id: finding._id,
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
  const change: CaseChangeRecord = {
    caseId: finding._id,
    citizenId: finding.personalId,
    event: action.type,
    from: view.status,
    to,
    by,
    ...(action.type === 'ASSIGN' ? { assignee } : {}),
    ...(note ? { note } : {}),
  };
  return { next, change };
}
