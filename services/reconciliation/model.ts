/**
 * What reconciliation reports: one finding per (record, defect kind, field), keyed exactly like
 * the generator's ground truth (`SeedDefectDoc._id`) so that runs can be scored against it and
 * findings written idempotently (the key is the document `_id`).
 */
import { SOURCE_NAMES, type SourceName } from '../../connectors/sources';
import type { Problem } from '../../connectors/identity';
import type { NameVariant } from './names';

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

/** The four sources compared with the population. */
export type OtherSource = Exclude<SourceName, 'population'>;

export const OTHER_SOURCES: readonly OtherSource[] = SOURCE_NAMES.filter((s): s is OtherSource => s !== 'population');

export type IdentityField = 'fullName' | 'dateOfBirth' | 'sex';

/** A source's own field, as a dotted path in its documents (MALFORMED findings). */
export type SourceField = string;

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
   * FORMAT_ONLY / MISMATCH: the identity field that differs ({@link IdentityField}). MALFORMED: the
   * source's own field that cannot be read, as a dotted path in its document (`hoTen`,
   * `holder.birth`). CORRECTION_REQUEST: the field of the paper the citizen asks to correct.
   */
  field?: SourceField;
  /** FORMAT_ONLY: the main form that differs. */
  variant?: NameVariant;
  /**
   * The value as the source stores it, and the population's value, as strings (like the ground
   * truth): names as stored, dates in the source's own format / ISO, sex as stored / "Nam"|"Nữ".
   * OLD_ID_KEY: the old CMND / the personal ID; DECEASED_ACTIVE: valid until / date of death;
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

/** Counts of cases per area and source (stats.ts keeps them; cases.ts updates them). */
export const RECON_STATS_COLLECTION = 'reconStats';

/** Whether a finding's area is within a run's area. */
export function withinArea(fa: FindingAreaDoc, run: { province: string; commune: string | null }): boolean {
  if (run.province === NATIONAL) return true;
  if (fa.province !== run.province) return false;
  return run.commune === null || fa.commune === run.commune;
}
