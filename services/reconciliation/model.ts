/**
 * What reconciliation reports and keeps, the types and names its files share: findings, areas,
 * runs, the cases of findings, and the hub collections they live in. It imports no other file of
 * the module but `names.ts` (a type), so every file can depend on it without an import circle.
 *
 * A finding is one per (record, defect kind, field), keyed exactly like the generator's ground
 * truth (`SeedDefectDoc._id`) so that runs can be scored against it and findings written
 * idempotently (the key is the document `_id`).
 */
import type { OfficerAction } from './case-refusals';
import { SOURCE_NAMES, type SourceName } from '../../connectors/sources';
import type { Problem } from '../../connectors/identity';
import type { CaseChangeRecord } from '../audit/model';
import type { NameVariant } from './names';

// ---------------------------------------------------------------------------------------------
// Collections (hub database)

/** Findings (`_id` = {@link findingKey}), written by runs (run-writer.ts). */
export const RECON_FINDINGS_COLLECTION = 'reconFindings';
/** Cases' own state (`_id` = the finding key), written by case actions only (cases.ts). */
export const RECON_CASES_COLLECTION = 'reconCases';
/** One document per case action (`<finding key>#<seq>`): the compare-and-set of cases (cases.ts). */
export const RECON_CASE_EVENTS_COLLECTION = 'reconCaseEvents';
/** Per area (`_id` = {@link areaId}), one small entry per case (case-index.ts). */
export const RECON_CASE_INDEX_COLLECTION = 'reconCaseIndex';
/**
 * Per province (`_id` = the province code, `-` for no known area): where each age and each legal
 * deadline of its cases is, so that pages in those orders read only the index documents they show
 * (case-order.ts).
 */
export const RECON_CASE_ORDER_COLLECTION = 'reconCaseOrder';
/** The documents the case service's serial writer writes. */
export type CaseWriteTarget = 'index' | 'stats' | 'order';
/** Counts of cases per area and source (stats.ts keeps them; cases.ts updates them). */
export const RECON_STATS_COLLECTION = 'reconStats';

// ---------------------------------------------------------------------------------------------
// Findings

export type { SourceName };

/** The kinds of defect reconciliation finds (and the generator injects) (docs/domain.md, "Data quality"). */
export type FoundDefectKind =
  | 'FORMAT_ONLY'
  | 'MISMATCH'
  | 'OLD_ID_KEY'
  | 'ORPHAN'
  | 'DUPLICATE'
  | 'DECEASED_ACTIVE'
  | 'EXPIRED_ID_CARD'
  | 'MALFORMED';

/**
 * A case's kind: a defect runs find, or CORRECTION_REQUEST, a citizen's request to correct a
 * field of a paper (services/rights, docs/rights.md), which no run finds, clears or brings back.
 */
export type DefectKind = FoundDefectKind | 'CORRECTION_REQUEST';

/** The kinds runs find (every kind but CORRECTION_REQUEST). */
export const DEFECT_KINDS: readonly FoundDefectKind[] = [
  'FORMAT_ONLY',
  'MISMATCH',
  'OLD_ID_KEY',
  'ORPHAN',
  'DUPLICATE',
  'DECEASED_ACTIVE',
  'EXPIRED_ID_CARD',
  'MALFORMED',
];

/** A count per defect kind, all zero. */
export function zeroCounts(): Record<DefectKind, number> {
  return Object.fromEntries(DEFECT_KINDS.map((k) => [k, 0])) as Record<DefectKind, number>;
}

/** The four sources compared with the population. */
export type OtherSource = Exclude<SourceName, 'population'>;

export const OTHER_SOURCES: readonly OtherSource[] = SOURCE_NAMES.filter((s): s is OtherSource => s !== 'population');

/**
 * What a FORMAT_ONLY or MISMATCH finding compares: the identity attributes, and (MISMATCH only)
 * the social-insurance number that since 1 August 2025 is the personal ID (insurance-number.ts).
 */
export type IdentityField = 'fullName' | 'dateOfBirth' | 'sex' | 'socialInsuranceNumber';

/** Why a value cannot be read as its agency's shape (a MALFORMED finding's `sourceValue`). */
export type { Problem };

export interface Finding {
  source: SourceName;
  /** The `_id` of the record in the source's collection. */
  recordKey: string;
  /** The person the record belongs to (the kept record's ID for a population DUPLICATE); null for ORPHAN. */
  personalId: string | null;
  kind: DefectKind;
  /**
   * FORMAT_ONLY / MISMATCH: the {@link IdentityField} that differs. MALFORMED: the source's own
   * field that cannot be read, as a dotted path in its document (`hoTen`, `holder.birth`).
   * CORRECTION_REQUEST: the field of the paper the citizen asks to correct.
   */
  field?: string;
  /** FORMAT_ONLY: the main form that differs. */
  variant?: NameVariant;
  /**
   * The value as the source stores it, and the population's value, as strings (like the ground
   * truth): names as stored, dates in the source's own format / ISO, sex as stored / "Nam"|"Nữ".
   * OLD_ID_KEY: the old CMND (or older 10-digit social-insurance number) / the personal ID; DECEASED_ACTIVE: valid until / date of death;
   * EXPIRED_ID_CARD: the card's expiry; MALFORMED: the {@link Problem}, never the value.
   */
  sourceValue?: string;
  trueValue?: string;
}

/** A finding as stored (`hub.reconFindings`): its key, its area and when runs saw it. */
export interface FindingDoc extends Omit<Finding, 'recordKey'> {
  _id: string;
  recordKey: string;
  area: FindingAreaDoc;
  firstSeenRunId: string;
  firstSeenAt: Date;
  lastSeenRunId: string;
  lastSeenAt: Date;
}

/** `${source}:${recordKey}:${kind}:${field ?? ''}`, the same string as `SeedDefectDoc._id`. */
export function findingKey(f: Pick<Finding, 'source' | 'recordKey' | 'kind' | 'field'>): string {
  return `${f.source}:${f.recordKey}:${f.kind}:${f.field ?? ''}`;
}

// ---------------------------------------------------------------------------------------------
// Areas

/** Today's province and commune codes of a person's permanent residence. */
export interface Area {
  province: string;
  commune: string;
}

/** The area stored on a finding (null: unknown). */
export interface FindingAreaDoc {
  province: string | null;
  commune: string | null;
}

/**
 * The area of a national run (every finding, including those whose area is unknown): open to a
 * national supervisor (an officer whose token's area is `{province: 'VN'}`, SUPERVISOR only),
 * the bench and operators.
 */
export const NATIONAL = 'VN';

/** Whether a finding's area is within a run's area. */
export function withinArea(fa: FindingAreaDoc, run: { province: string; commune: string | null }): boolean {
  if (run.province === NATIONAL) return true;
  if (fa.province !== run.province) return false;
  return run.commune === null || fa.commune === run.commune;
}

/**
 * An area as one string, `<province>|<commune>` with `-` where unknown (no commune without a
 * province): the `_id` of the area's case-index document, and its key in a run's tally.
 */
export function areaId(area: FindingAreaDoc): string {
  return `${area.province ?? '-'}|${area.province ? (area.commune ?? '-') : '-'}`;
}

// ---------------------------------------------------------------------------------------------
// Runs (runs.ts: background scans of the sources for one area)

/** One document per run (`_id` = run id), written by the process executing it. */
export const RECON_RUNS_COLLECTION = 'reconRuns';

export interface RunArea {
  province: string;
  commune?: string | null;
}

export type RunStatus = 'RUNNING' | 'DONE' | 'CANCELLED' | 'FAILED';
/** How a run ended (run-leases.ts decides it once). */
export type EndStatus = Exclude<RunStatus, 'RUNNING'>;
export type RunPhase = 'INDEX' | 'SOURCES' | 'FINISH' | 'DONE';

export interface RunProgress {
  processed: number;
  total: number;
  /** Documents read per second in the current session. */
  ratePerS: number;
  /** Seconds left at that rate (null: unknown yet). */
  etaS: number | null;
}

/** What a source fully read and written found (the rest of its state is in `reconRunState`). */
export interface SourceCheckpoint {
  counts: Record<DefectKind, number>;
  written: number;
  /** Documents read. */
  read: number;
}

export interface RunCheckpoint {
  /** The sources fully read, and their findings all written. */
  done: Partial<Record<OtherSource, SourceCheckpoint>>;
  /** The index the saved tracker state refers to (slots are positions in the natural order). */
  populationSize: number;
  firstPersonalId: string | null;
  lastPersonalId: string | null;
  /** `PopulationIndex.fingerprint` (population-index.ts): the same IDs in the same order. */
  populationHash?: string;
}

export interface RunDoc {
  _id: string;
  area: { province: string; commune: string | null };
  startedBy: string;
  status: RunStatus;
  phase: RunPhase;
  progress: RunProgress;
  /** Findings of the run's area, per kind (complete once DONE). */
  counts: Record<DefectKind, number>;
  findings: number;
  checkpoint: RunCheckpoint | null;
  /**
   * The reference date (YYYY-MM-DD) validity is judged on (expired cards, deceased-but-active):
   * fixed when the run starts, used throughout, also after a resume (`ReconciliationRun.referenceDate`).
   */
  today: string;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  /** How many times the run was resumed after a restart. */
  resumes: number;
  /** Cases the run found no longer present (CLEARED) and resolved cases it found again (RECURRED). */
  casesCleared?: number;
  casesRecurred?: number;
  /** The documents the run wrote (all its sessions); absent on runs from before this counter. */
  writes?: RunWrites;
}

/** What a run wrote: a re-run over unchanged data writes no finding, only the per-area documents. */
export interface RunWrites {
  /** Finding documents written (new or changed). */
  findings: number;
  /** Findings found again exactly as stored: not written. */
  unchanged: number;
  /** Case-index document updates (one per area document and flush, whatever its number of findings). */
  index: number;
  /** Area figure (`reconStats`) updates. */
  stats: number;
}

/**
 * A run a loop of this process executes (runs.ts, run-loop.ts): flags the runner sets and the
 * loop checks after every document, and the loop's end.
 */
export interface ActiveRun {
  id: string;
  cancel: boolean;
  stop: boolean;
  /** Ended by losing the store: left RUNNING, to be resumed. */
  interrupted: boolean;
  /** The lease this loop holds (`<run id>#<n>`), and whether another instance has taken it over. */
  lease: string;
  lost: boolean;
  done: Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Cases (cases.ts: what officers and runs do with findings)

export type CaseStatus = 'OPEN' | 'CONFIRMED' | 'RESOLVED' | 'DISMISSED';
export const CASE_STATUSES: readonly CaseStatus[] = ['OPEN', 'CONFIRMED', 'RESOLVED', 'DISMISSED'];
/** Statuses that still need work (what the CSV export gives by default). */
export const OPEN_STATUSES: readonly CaseStatus[] = ['OPEN', 'CONFIRMED'];

export type CaseEventType =
  | 'CONFIRM'
  | 'RESOLVE'
  | 'DISMISS'
  | 'REOPEN'
  | 'ASSIGN'
  | 'NOTE'
  /** A later run over the area no longer finds the defect. */
  | 'CLEARED'
  /** A later run found again a defect resolved before it started. */
  | 'RECURRED';

export interface CaseNote {
  at: Date;
  by: string;
  text: string;
  /** The action that wrote it (absent on notes from before: taken as NOTE). */
  event?: CaseEventType;
}

export interface CaseHistoryEntry {
  seq: number;
  at: Date;
  /** `officer:<id>` or `run:<id>`. */
  by: string;
  event: CaseEventType;
  from: CaseStatus;
  to: CaseStatus;
  assignee?: string | null;
  note?: string;
}

/** What officers and runs change of a case. */
export interface CaseState {
  status: CaseStatus;
  assignee: string | null;
  notes: CaseNote[];
  history: CaseHistoryEntry[];
  updatedAt: Date;
}

export interface CaseDoc extends CaseState {
  _id: string;
  source: SourceName;
  kind: DefectKind;
  /** The area of the index entry. */
  area: FindingAreaDoc;
  seq: number;
}

export interface CaseEventDoc {
  _id: string; // <case id>#<seq>
  caseId: string;
  seq: number;
  at: Date;
  /** The case as this action left it (roll-forward). */
  state: CaseDoc;
}

/** A case as the API shows it: the finding and the case's state (OPEN until the first action). */
export interface CaseView extends CaseState {
  id: string;
  finding: FindingDoc;
  /** When a run last found it (from the case index; absent: the finding's own `lastSeen*`). */
  lastSeen?: LastSeen;
  /** Whom the audit names for a read of the case: `caseSubject` (case-scopes.ts). */
  subject: string;
}

export type CaseAction =
  | { type: 'CONFIRM' | 'RESOLVE' | 'REOPEN'; note?: string | null }
  | { type: 'DISMISS' | 'NOTE'; note: string }
  /**
   * `onlySelf`: the officer may only take an unassigned case (or one already theirs) for
   * themselves, or release their own.
   */
  | { type: 'ASSIGN'; assignee: string | null; note?: string | null; onlySelf?: string }
  /** Runs only: `runStartedAt` is the run's start (RECURRED applies to cases resolved before it). */
  | { type: 'CLEARED' | 'RECURRED'; runStartedAt: Date };

export type CaseErrorCode =
  | 'ILLEGAL_TRANSITION'
  | 'NOTE_REQUIRED'
  | 'NOTE_TOO_LONG'
  | 'TOO_MANY_NOTES'
  | 'INVALID_ASSIGNEE'
  | 'CONCURRENT_CHANGE';

export interface CaseUserError {
  code: CaseErrorCode;
  message: string;
  /** ILLEGAL_TRANSITION: the case's status and the officer actions it allows (case-refusals.ts). */
  status?: CaseStatus;
  allowed?: OfficerAction[];
}

export interface CaseResult {
  case: CaseView | null;
  userError: CaseUserError | null;
  change: CaseChangeRecord | null;
  /** Refused: the finding's area, as read under the case's lock, is not the actor's (`CaseService.act`). */
  outOfArea?: true;
}

export interface CaseFilter {
  source?: SourceName | null;
  kind?: DefectKind | null;
  /** Any of these (default: every status). */
  statuses?: readonly CaseStatus[] | null;
  assignee?: string | null;
  /** Only the cases whose latest sighting is the run that started then (ms): that run's findings. */
  lastSeenBy?: number | null;
  /** Only the cases first found by a run that started at or before this instant (ms): the older ones. */
  firstSeenBy?: number | null;
}

/**
 * Page order: by area and case id (the default); by age (first found), oldest or newest first; or
 * by legal deadline (a citizen's correction request's), the soonest first, then the cases without
 * one in area order.
 */
export type CaseOrder = 'AREA' | 'OLDEST' | 'NEWEST' | 'DUE';

/**
 * A province's order directory (case-order.ts): `a[<index doc>][t<ms>]` = 1 when that index
 * document holds cases first found at that instant (never removed: an emptied bucket costs one
 * read); `d[<case key>]` = the case's index document and legal deadline (ms); `built`: the
 * directory covers every entry the index held when it was built (entries written since bring
 * their own directory writes).
 */
export interface CaseOrderDoc {
  _id: string;
  a?: Record<string, Record<string, 1>>;
  d?: Record<string, { doc: string; due: number }>;
  built?: boolean;
}

/** One case's entry in its area's index document. */
export interface IndexEntry {
  /** `<source>|<kind>`. */
  k: string;
  /** Start (ms since the epoch) of the latest run that saw the finding. */
  r: number;
  /** The finding's content hash as last written (run-writer.ts `findingHash`). */
  h?: string;
  /**
   * Start (ms) of the first run that saw the finding (`$min`; an entry from before this was kept
   * got the start of the first run after): the case's age, for filters and sorting.
   */
  f?: number;
  /** Status, when not OPEN. */
  s?: CaseStatus;
  /** Assignee, when any. */
  a?: string;
}

export interface CaseIndexDoc {
  _id: string;
  province: string | null;
  commune: string | null;
  m?: Record<string, IndexEntry>;
  /** `t<start ms>` → the id of the run that started then. */
  runs?: Record<string, string>;
}

/** When a run last found a case: the start of that run, and its id (null: not recorded). */
export interface LastSeen {
  at: Date;
  runId: string | null;
}

export interface CasePage {
  nodes: CaseView[];
  endCursor: string | null;
  hasNextPage: boolean;
  /** Cases of the area that match (all pages); reads every index document, so only on demand. */
  totalCount(): Promise<number>;
}

/** Case counts of an area, from its index (live). */
export interface CaseCounts {
  byStatus: Record<CaseStatus, number>;
  /** source → kind → cases not yet RESOLVED or DISMISSED. */
  open: Map<SourceName, Map<DefectKind, number>>;
}
