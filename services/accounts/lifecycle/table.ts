/**
 * The table of legal (state × event → state) moves of the account lifecycle; a move not in the
 * table is refused with ILLEGAL_TRANSITION (or a more specific code: machine.ts). A move in the
 * table may still be refused by its guard (guards.ts).
 */
import type { AccountState, EventType } from '../model';
import { ACCOUNT_STATUSES, type AccountStatus } from '../store';

export const EVENT_TYPES: readonly EventType[] = [
  'REGISTER_L1',
  'REGISTER_L2',
  'UPGRADE_TO_L2',
  'APPROVE',
  'REJECT',
  'NOTIFY',
  'ACTIVATE',
  'EXPIRE_ACTIVATION',
  'REOPEN',
  'LOCK',
  'UNLOCK',
  'UNLOCK_REQUEST',
  'UNLOCK_REQUEST_REFUSE',
  'PHONE_CHANGE',
];

/** The states of the machine: NONE ("no account yet"), then the store's statuses. */
export const ACCOUNT_STATES: readonly AccountState[] = ['NONE', ...ACCOUNT_STATUSES];

export interface Transition {
  from: AccountState;
  event: EventType;
  to: AccountStatus;
  /** Who may do it and the guard, in words (for the README). */
  note: string;
}

export const TRANSITIONS: readonly Transition[] = [
  { from: 'NONE', event: 'REGISTER_L1', to: 'PENDING', note: 'citizen in the app; eligible' },
  { from: 'NONE', event: 'REGISTER_L2', to: 'PENDING', note: 'officer in person; fingerprints; eligible' },
  { from: 'REJECTED', event: 'REGISTER_L1', to: 'PENDING', note: 'a new request after a rejection' },
  { from: 'REJECTED', event: 'REGISTER_L2', to: 'PENDING', note: 'a new request after a rejection' },
  { from: 'PENDING', event: 'APPROVE', to: 'APPROVED', note: 'officer of the area or system' },
  { from: 'PENDING', event: 'REJECT', to: 'REJECTED', note: 'officer of the area or system; reason' },
  { from: 'PENDING', event: 'PHONE_CHANGE', to: 'PENDING', note: 'officer in person' },
  { from: 'APPROVED', event: 'NOTIFY', to: 'APPROVED', note: 'system; starts the 7-day window' },
  { from: 'APPROVED', event: 'ACTIVATE', to: 'ACTIVE', note: 'citizen, one-time code, within 7 days' },
  { from: 'APPROVED', event: 'EXPIRE_ACTIVATION', to: 'ACTIVATION_EXPIRED', note: 'system, after 7 days' },
  { from: 'APPROVED', event: 'PHONE_CHANGE', to: 'APPROVED', note: 'officer in person' },
  { from: 'ACTIVATION_EXPIRED', event: 'REOPEN', to: 'APPROVED', note: 'officer of the area; a new notice follows' },
  {
    from: 'APPROVED',
    event: 'REOPEN',
    to: 'APPROVED',
    note: 'officer of the area, once the window has closed (before the sweep) or the codes are used up',
  },
  { from: 'ACTIVE', event: 'UPGRADE_TO_L2', to: 'ACTIVE', note: 'officer in person; Level 1; fingerprints' },
  { from: 'ACTIVE', event: 'APPROVE', to: 'ACTIVE', note: 'pending upgrade approved: Level 2' },
  { from: 'ACTIVE', event: 'REJECT', to: 'ACTIVE', note: 'pending upgrade rejected: stays Level 1' },
  { from: 'ACTIVE', event: 'LOCK', to: 'LOCKED', note: 'holder, officer, or system (ID card expired)' },
  { from: 'ACTIVE', event: 'PHONE_CHANGE', to: 'ACTIVE', note: 'officer in person, or holder with a code' },
  { from: 'LOCKED', event: 'APPROVE', to: 'LOCKED', note: 'pending upgrade approved: Level 2' },
  { from: 'LOCKED', event: 'REJECT', to: 'LOCKED', note: 'pending upgrade rejected: stays Level 1' },
  { from: 'LOCKED', event: 'LOCK', to: 'LOCKED', note: 'system only: ID card expired supersedes' },
  { from: 'LOCKED', event: 'UNLOCK', to: 'ACTIVE', note: 'officer; ownership proved; ID card valid' },
  { from: 'LOCKED', event: 'UNLOCK_REQUEST', to: 'LOCKED', note: "officer records an authority's unlock request" },
  { from: 'LOCKED', event: 'UNLOCK_REQUEST_REFUSE', to: 'LOCKED', note: "officer refuses the authority's request" },
  { from: 'LOCKED', event: 'PHONE_CHANGE', to: 'LOCKED', note: 'officer in person' },
];

const TABLE = new Map<string, Transition>(TRANSITIONS.map((t) => [`${t.from}|${t.event}`, t]));

/** The table's target for (state, event), or undefined when the move is illegal. */
export function transitionFor(from: AccountState, event: EventType): Transition | undefined {
  return TABLE.get(`${from}|${event}`);
}

/** The transition table as Mermaid `stateDiagram-v2` text (NONE is the initial pseudo-state). */
export function mermaidDiagram(): string {
  const node = (s: AccountState): string => (s === 'NONE' ? '[*]' : s);
  const edges = new Map<string, EventType[]>();
  for (const t of TRANSITIONS) {
    const key = `${node(t.from)} --> ${node(t.to)}`;
    const events = edges.get(key) ?? [];
    if (!events.includes(t.event)) events.push(t.event);
    edges.set(key, events);
  }
  const lines = ['stateDiagram-v2'];
  for (const [edge, events] of edges) lines.push(`  ${edge} : ${events.join(', ')}`);
  return lines.join('\n');
}
