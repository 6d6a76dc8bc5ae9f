/**
 * The state machine's refusals in plain words: which status the case is in, what was asked, and
 * what can be done to a case in that status ("This case is open: it cannot be resolved yet…"),
 * never "A OPEN case cannot take RESOLVE". The codes stay the contract (`ILLEGAL_TRANSITION`);
 * `status` and `allowed` let a client say the same in its own language.
 *
 * Kept apart from cases.ts (which owns the moves and passes them in) so that it imports nothing.
 */

/** The actions an officer takes (runs' CLEARED and RECURRED are not offered to people). */
export const OFFICER_ACTIONS = ['CONFIRM', 'RESOLVE', 'DISMISS', 'REOPEN', 'ASSIGN', 'NOTE'] as const;
export type OfficerAction = (typeof OFFICER_ACTIONS)[number];

const STATUS_WORD: Record<string, string> = {
  OPEN: 'open',
  CONFIRMED: 'confirmed',
  RESOLVED: 'resolved',
  DISMISSED: 'dismissed',
};

const DONE_WORD: Record<string, string> = {
  CONFIRM: 'confirmed',
  RESOLVE: 'resolved',
  DISMISS: 'dismissed',
  REOPEN: 'reopened',
  ASSIGN: 'assigned',
  NOTE: 'given a note',
  CLEARED: 'cleared',
  RECURRED: 'reopened as recurring',
};

/** The officer actions a case in `status` accepts, in {@link OFFICER_ACTIONS} order. */
export function allowedActions(status: string, moves: Record<string, { from: readonly string[] }>): OfficerAction[] {
  return OFFICER_ACTIONS.filter((a) => moves[a].from.includes(status));
}

function list(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/**
 * The refusal of `action` on a case in `status`: a sentence naming the status and the actions it
 * allows, with the way forward where there is one (resolve after confirming; reopen first).
 */
export function illegalTransition(
  status: string,
  action: string,
  moves: Record<string, { from: readonly string[] }>,
): { message: string; status: string; allowed: OfficerAction[] } {
  const allowed = allowedActions(status, moves);
  const word = STATUS_WORD[status] ?? status.toLowerCase();
  let hint = '';
  if (action === 'RESOLVE' && status === 'OPEN') hint = ' Confirm it first, then resolve it.';
  else if ((status === 'RESOLVED' || status === 'DISMISSED') && action !== 'REOPEN') hint = ' Reopen it first.';
  const message =
    `This case is ${word}: it cannot be ${DONE_WORD[action] ?? action.toLowerCase()}. ` +
    `${/^[aeiou]/.test(word) ? 'An' : 'A'} ${word} case can be ${list(allowed.map((a) => DONE_WORD[a]))}.${hint}`;
  return { message, status, allowed };
}
