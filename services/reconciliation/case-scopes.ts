/**
 * Whom and what the audit names when a case is read: its subject (the person, else the record)
 * and the document scopes of what it shows of either side (the population's, the source's).
 */
import { DATA_SOURCE } from '../../connectors/provenance';
import type { DocumentScope } from '../access/auth/principal';
import type { DefectKind, FindingDoc, OtherSource } from './model';
import { PERSONAL_ID } from './readers';

/** The audit scope of what a case shows of the population's side (identity attributes, the ID card). */
export function caseScope(kind: DefectKind): DocumentScope {
  return kind === 'OLD_ID_KEY' || kind === 'EXPIRED_ID_CARD' ? 'IDENTITY_CARD' : 'IDENTITY';
}

/**
 * The document a source other than the population keeps, as a scope: the scope named as the
 * source is in the API (`DATA_SOURCE`, one entry per source of the one list). A source whose
 * name is no document scope fails the type check here (give it its scope in
 * services/access/auth/principal.ts).
 */
const sourceDocument = (source: OtherSource): DocumentScope => DATA_SOURCE[source];

/**
 * The audit scope of what a case shows of the source record's side (its key and the value as
 * the source stores it): the kind of document that source keeps. A data-cleaning officer sees
 * both values to fix a mismatch; the audit names the document the source value came from.
 */
export function caseSourceScope(f: Pick<FindingDoc, 'source' | 'kind'>): DocumentScope {
  return f.source === 'population' ? caseScope(f.kind) : sourceDocument(f.source);
}

/**
 * The audit subject of a case: the person's ID; with no person identified (ORPHAN, a MALFORMED
 * key), a 12-digit record key (the citizen the record is kept under); otherwise
 * `record:<DataSource>:<record key>` (never a personal ID, so never in a citizen's access log).
 */
export function caseSubject(f: Pick<FindingDoc, 'source' | 'recordKey' | 'personalId'>): string {
  if (f.personalId && PERSONAL_ID.test(f.personalId)) return f.personalId;
  if (PERSONAL_ID.test(f.recordKey)) return f.recordKey;
  return `record:${DATA_SOURCE[f.source]}:${f.recordKey}`;
}

/** Every scope a case shows, for audit records written by hand (the CSV export). */
export function caseScopes(f: Pick<FindingDoc, 'source' | 'kind'>): DocumentScope[] {
  return [...new Set([caseScope(f.kind), caseSourceScope(f)])];
}
