/**
 * Data subjects' requests (Personal Data Protection Law 91/2025/QH15, Decree 356/2025/NĐ-CP):
 * their kinds, statuses, moves and what the store keeps. The legal basis of each rule is in
 * docs/rights.md (with what could not be confirmed).
 */
import type { SourceName } from '../../connectors/sources';
import type { OfficerRole } from '../access/auth/principal';

export const DATA_REQUESTS_COLLECTION = 'dataRequests';
/** One per committed change, `_id` = `<request id>#<seq>`: its insert is the compare-and-set. */
export const DATA_REQUEST_EVENTS_COLLECTION = 'dataRequestEvents';
/** Listing slots, `_id` = `<list>#<n>` (`c:<citizen>` per citizen, `p:<province>` per province). */
export const DATA_REQUEST_SLOTS_COLLECTION = 'dataRequestSlots';

export type DataRequestKind = 'ACCESS' | 'CORRECTION' | 'CONSENT_WITHDRAWAL' | 'OBJECTION' | 'RESTRICTION';
export const DATA_REQUEST_KINDS: readonly DataRequestKind[] = [
  'ACCESS',
  'CORRECTION',
  'CONSENT_WITHDRAWAL',
  'OBJECTION',
  'RESTRICTION',
];

export type DataRequestStatus = 'RECEIVED' | 'ACKNOWLEDGED' | 'IN_PROGRESS' | 'DONE' | 'REFUSED';
export const OPEN_REQUEST_STATUSES: readonly DataRequestStatus[] = ['RECEIVED', 'ACKNOWLEDGED', 'IN_PROGRESS'];

/** What happened to a request. RECEIVE is the filing; LIFT the citizen lifting their restriction. */
export type DataRequestEvent = 'RECEIVE' | 'ACKNOWLEDGE' | 'START' | 'EXTEND' | 'COMPLETE' | 'REFUSE' | 'LIFT';

/** The statuses an officer action applies from, and where it leads (null: status kept). */
export const REQUEST_MOVES: Record<
  Exclude<DataRequestEvent, 'RECEIVE' | 'LIFT'>,
  { from: readonly DataRequestStatus[]; to: DataRequestStatus | null }
> = {
  ACKNOWLEDGE: { from: ['RECEIVED'], to: 'ACKNOWLEDGED' },
  START: { from: ['ACKNOWLEDGED'], to: 'IN_PROGRESS' },
  EXTEND: { from: ['RECEIVED', 'ACKNOWLEDGED', 'IN_PROGRESS'], to: null },
  COMPLETE: { from: ['ACKNOWLEDGED', 'IN_PROGRESS'], to: 'DONE' },
  REFUSE: { from: ['RECEIVED', 'ACKNOWLEDGED', 'IN_PROGRESS'], to: 'REFUSED' },
};

export type OfficerAction = keyof typeof REQUEST_MOVES;

/**
 * Who handles which requests (officers of the request's area; docs/rights.md): corrections go to
 * the data-cleaning queue, the rest to the data-protection officers; supervisors handle all.
 */
export const HANDLERS: Record<DataRequestKind, readonly OfficerRole[]> = {
  ACCESS: ['DATA_PROTECTION', 'SUPERVISOR'],
  CORRECTION: ['DATA_CLEANING', 'DATA_PROTECTION', 'SUPERVISOR'],
  CONSENT_WITHDRAWAL: ['DATA_PROTECTION', 'SUPERVISOR'],
  OBJECTION: ['DATA_PROTECTION', 'SUPERVISOR'],
  RESTRICTION: ['DATA_PROTECTION', 'SUPERVISOR'],
};

export const HANDLER_ROLES: readonly OfficerRole[] = ['DATA_CLEANING', 'DATA_PROTECTION', 'SUPERVISOR'];

export function kindsHandledBy(role: OfficerRole): DataRequestKind[] {
  return DATA_REQUEST_KINDS.filter((k) => HANDLERS[k].includes(role));
}

export interface RequestHistoryEntry {
  at: Date;
  /** `citizen`, `officer:<id>`, `system`. */
  by: string;
  event: DataRequestEvent;
  from: DataRequestStatus | null;
  to: DataRequestStatus;
  note?: string;
}

/** A request as stored (`hub.dataRequests`, `_id` = request id). */
export interface DataRequestDoc {
  _id: string;
  citizenId: string;
  kind: DataRequestKind;
  status: DataRequestStatus;
  /** Today's area of the citizen's permanent residence when filed (null: unknown). */
  area: { province: string; commune: string | null } | null;
  receivedAt: Date;
  /** A client (a third party) must stop processing: the longer deadline. */
  thirdParty: boolean;
  clientId?: string;
  consentId?: string;
  source?: SourceName;
  field?: string;
  note?: string;
  /** The reconciliation case of a correction (its finding key). */
  caseId?: string;
  ackDueAt: Date;
  /** The deadline to act, before any extension. */
  actDueAt: Date;
  /** The deadline to act after the one extension. */
  extendedDueAt?: Date;
  extendedAt?: Date;
  extensionReason?: string;
  acknowledgedAt?: Date;
  startedAt?: Date;
  closedAt?: Date;
  refusalReason?: string;
  resolution?: string;
  /** When the citizen lifted the restriction or objection. */
  liftedAt?: Date;
  history: RequestHistoryEntry[];
  seq: number;
  updatedAt: Date;
}

export interface DataRequestEventDoc {
  _id: string;
  requestId: string;
  seq: number;
  at: Date;
  /** The request as this change left it (roll-forward). */
  state: DataRequestDoc;
}

/** A listing slot: the request it names, and what filters read without the request. */
export interface SlotDoc {
  _id: string;
  requestId: string;
  commune?: string | null;
  kind?: DataRequestKind;
}

/** Why a request or an action was refused (`userErrors`; GraphQL `DataRequestErrorCode`). */
export type DataRequestErrorCode =
  | 'ILLEGAL_TRANSITION'
  | 'EXTENSION_ALREADY_USED'
  | 'DEADLINE_PASSED'
  | 'REASON_REQUIRED'
  | 'NOTE_REQUIRED'
  | 'INVALID_INPUT'
  | 'UNKNOWN_FIELD'
  | 'CLIENT_UNKNOWN'
  | 'ALREADY_RESTRICTED'
  | 'NOT_RESTRICTED'
  | 'CASE_NOT_RESOLVED'
  | 'NOT_HANDLED_BY_ROLE'
  | 'CONCURRENT_CHANGE';

export interface DataRequestUserError {
  code: DataRequestErrorCode;
  message: string;
  field: string | null;
}

export type RequestResult =
  | { request: DataRequestDoc; userErrors?: undefined }
  | { request?: DataRequestDoc | null; userErrors: DataRequestUserError[] };

export function userError(code: DataRequestErrorCode, message: string, field: string | null = null): RequestResult {
  return { userErrors: [{ code, message, field }] };
}

/** Longest free text (a note, a reason) a citizen or an officer gives. */
export const MAX_TEXT = 500;

/**
 * The fields of each source's paper (the API's names) a citizen may ask to correct: the hub's
 * view of that paper (schema/*.graphql). Anything else is UNKNOWN_FIELD.
 */
export const CORRECTABLE_FIELDS: Record<SourceName, readonly string[]> = {
  population: [
    'fullName',
    'dateOfBirth',
    'sex',
    'ethnicity',
    'nationality',
    'vitalStatus',
    'dateOfDeath',
    'identityCard',
    'residenceCard',
    'residence',
    'household',
    'family',
  ],
  drivingLicence: ['number', 'issuedBy', 'issuedOn', 'status', 'points', 'classes', 'holderName'],
  healthInsurance: [
    'cardNumber',
    'socialInsuranceCode',
    'benefitLevel',
    'validFrom',
    'validTo',
    'primaryCareFacility',
    'fiveYearsContinuousFrom',
    'issuedOn',
    'form',
  ],
  socialInsurance: [
    'socialInsuranceNumber',
    'legacySocialInsuranceNumber',
    'contributionPeriods',
    'totalMonths',
    'benefits',
    'holderNameAtSource',
  ],
  healthRecord: ['bloodType', 'allergies', 'chronicConditions', 'visits', 'vaccinations', 'treatmentEpisodes'],
};

/** Whether the request is still open (not DONE or REFUSED). */
export const isOpen = (r: Pick<DataRequestDoc, 'status'>) => OPEN_REQUEST_STATUSES.includes(r.status);

/** The deadline to act that applies now: the extended one once extended. */
export const actDeadline = (r: Pick<DataRequestDoc, 'actDueAt' | 'extendedDueAt'>) => r.extendedDueAt ?? r.actDueAt;

/** Overdue at `now`: not acknowledged by its deadline, or still open past the deadline to act. */
export function overdue(r: DataRequestDoc, now: Date): { acknowledgement: boolean; action: boolean } {
  return {
    acknowledgement: r.status === 'RECEIVED' && now.getTime() > r.ackDueAt.getTime(),
    action: isOpen(r) && now.getTime() > actDeadline(r).getTime(),
  };
}
