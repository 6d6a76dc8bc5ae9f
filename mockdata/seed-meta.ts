import type { SourceName } from '../connectors/sources';
import { DEFECT_KINDS, type FoundDefectKind as DefectKind } from '../services/reconciliation/model';
import { SOURCES_STATUS_COLLECTION, type SourcesStatusDoc } from '../store/sources-status';

export { DEFECT_KINDS, type DefectKind, type SourceName };

/**
 * What the generator leaves in the hub's database: one manifest of the last
 * seeding, and the ground truth of every injected data defect (for scoring
 * reconciliation).
 */
export const SEED_MANIFEST_COLLECTION = SOURCES_STATUS_COLLECTION;
export const SEED_DEFECTS_COLLECTION = 'seedDefects';

export interface SeedDefectDoc {
  _id: string; // `${source}:${recordKey}:${kind}:${field ?? ''}`
  source: SourceName;
  /** The `_id` of the affected record in the source's collection. */
  recordKey: string;
  /** The personal ID of the real person the record belongs to (null for ORPHAN). */
  personalId: string | null;
  kind: DefectKind;
  /**
   * For FORMAT_ONLY / MISMATCH: fullName | dateOfBirth | sex. For MALFORMED: the source's own
   * field, as a dotted path in its document (`hoTen`, `holder.birth`, `noiThuongTru.xa.ma`).
   */
  field?: string;
  /** For FORMAT_ONLY: which variant (UPPER_CASE, NO_DIACRITICS, NFD, OLD_TONE_MARK, D_FOR_DD). */
  variant?: string;
  /**
   * The value as the source stores it, and the true value (population's), as strings.
   * MALFORMED: the problem (`MISSING`, `NULL`, `WRONG_TYPE`, `EMPTY`, `OVERSIZED`,
   * `CONTROL_CHARACTERS`, `UNKNOWN_CODE`, `BAD_FORMAT`), never the value itself.
   */
  sourceValue?: string;
  trueValue?: string;
}

/** The sources' status document (store/sources-status.ts) as seeding writes it. */
export interface SeedManifestDoc extends SourcesStatusDoc {
  seed: number;
  rates: Record<DefectKind, number>;
  startedAt: Date;
}
