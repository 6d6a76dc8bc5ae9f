import type { DocumentScope, AuthFailureReason } from '../access/auth/principal';

/** Why a field was withheld (`extensions.reason` with FORBIDDEN). */
export type DenialReason =
  | 'NOT_SUBJECT'
  | 'NOT_CONSENTED'
  /** The client's consent was revoked by the citizen (told only to that client). */
  | 'CONSENT_REVOKED'
  | 'CLIENT_NOT_REGISTERED'
  | 'LEVEL_TOO_LOW'
  | 'ACCOUNT_INACTIVE'
  | 'OUT_OF_JURISDICTION'
  /** An officer whose role does not include the operation. */
  | 'ROLE'
  /** The citizen objects to or restricts processing by this client (docs/rights.md): told to that client. */
  | 'PROCESSING_RESTRICTED'
  /**
   * A guardian entry point (`ward…`, services/access/guardianship.ts): the caller has no ACTIVE
   * Level 2 account, the population record shows no such relation, or the guardianship has ended
   * (the child is 14, or the record no longer shows it).
   */
  | 'GUARDIAN_LEVEL_2_REQUIRED'
  | 'NOT_GUARDIAN'
  | 'GUARDIANSHIP_ENDED';

/**
 * The kinds of personal data the audit names (GraphQL `PersonalData`): the documents, and the
 * citizen's records at the hub (e-identity account, consents, access log, data-subject requests).
 */
export type DataKind = DocumentScope | 'ACCOUNT' | 'CONSENTS' | 'ACCESS_LOG' | 'DATA_REQUESTS';

/** One disclosure decision, recorded by the policy for the audit. */
export interface DisclosureEvent {
  /** The citizen whose data it is. */
  citizenId: string;
  /** The document scope (or other kind of personal data) the field belongs to. */
  scope: DataKind;
  /** GraphQL response path of the field, e.g. "citizen.drivingLicence". */
  path: string;
  decision: 'DISCLOSED' | 'DENIED';
  reason?: DenialReason;
}

/**
 * What the policy and the server collect for one request; the audit plugin turns
 * it into one audit record. A field whose resolver failed is not "disclosed":
 * the plugin drops DISCLOSED events whose path has an error in the response.
 */
export interface AuditCollector {
  events: DisclosureEvent[];
  /** Set when a presented token was refused (the token itself is never kept). */
  authFailure?: AuthFailureReason;
  /** Account lifecycle transitions committed by this request. */
  accountChanges?: AccountChangeRecord[];
  /** Reconciliation case changes committed by this request. */
  caseChanges?: CaseChangeRecord[];
  /** Shares by QR code made, redeemed or refused in this request. */
  shareEvents?: ShareEventRecord[];
  /**
   * The children a guardian entry point let the calling citizen act for in this request, with
   * the capacity (parent or legal guardian) for each: the record names the capacity for those
   * children only (their access logs show the guardian), not for anyone else the request read.
   */
  wards?: Map<string, 'PARENT' | 'LEGAL_GUARDIAN'>;
}

/**
 * A share by QR code made by its citizen, redeemed by a verifier (the record's actor: officer id
 * and unit, or client id and name), or a redemption refused. Names fields, never values.
 */
export interface ShareEventRecord {
  shareId: string;
  citizenId: string;
  event: 'CREATED' | 'REDEEMED' | 'REFUSED';
  papers: DocumentScope[];
  fields: string[];
  /** Who may redeem it (ANY_VERIFIER, OFFICER, CLIENT) and, for CLIENT, which client. */
  audience: string;
  clientId?: string;
  /** Why a redemption was refused (an error code, e.g. SHARE_EXPIRED, or a FORBIDDEN reason). */
  reason?: string;
}

/** One account transition, as the audit keeps it. */
export interface AccountChangeRecord {
  citizenId: string;
  event: string;
  from: string | null;
  to: string;
  level: number;
  by: string;
  reason?: string;
}

/** One reconciliation case change, as the audit keeps it. */
export interface CaseChangeRecord {
  caseId: string;
  citizenId: string | null;
  event: string;
  from: string;
  to: string;
  by: string;
  assignee?: string | null;
  note?: string;
}

/** Who the audit record names as the actor (no token, no personal data beyond IDs). */
export interface AuditActor {
  kind: 'ANONYMOUS' | 'CITIZEN' | 'CLIENT' | 'OFFICER' | 'SYSTEM';
  /** Personal ID (citizen), client id, or officer id. */
  id?: string;
  clientId?: string;
  clientName?: string;
  officerUnit?: string;
  consentId?: string;
  purpose?: string;
  dossierRef?: string;
}

/** The audit record as stored (hub.audit), hash-chained. */
export interface AuditRecordDoc {
  _id: string; // `${chain}:${seq padded}`
  chain: string; // one chain per writer process (hub instance)
  seq: number; // 1, 2, 3... within the chain
  at: Date;
  requestId: string;
  operation: string | null;
  actor: AuditActor;
  authFailure?: AuthFailureReason;
  /** Per citizen: documents (scopes) and fields disclosed, and denials with reasons. */
  citizens: Array<{
    citizenId: string;
    /** The actor, a citizen, acted for this citizen (a child) as parent or legal guardian (`AuditCollector.wards`). */
    capacity?: 'PARENT' | 'LEGAL_GUARDIAN';
    disclosed: Array<{ scope: DataKind; paths: string[] }>;
    denied: Array<{ scope: DataKind; path: string; reason: DenialReason }>;
  }>;
  /** DENIED decisions past the first {@link MAX_DENIED_PER_RECORD} of the request, counted only. */
  deniedOmitted?: number;
  /** Account lifecycle transitions (who, what, from → to), when the request made any. */
  accountChanges?: AccountChangeRecord[];
  /** Reconciliation case changes (case, citizen, what, from → to, by, note), when any. */
  caseChanges?: CaseChangeRecord[];
  /** Shares by QR code made, redeemed or refused, when any. */
  shareEvents?: ShareEventRecord[];
  prevHash: string; // hex sha256 of the previous record in the chain ('' for seq 1)
  hash: string; // hex sha256 over prevHash and the canonical JSON of this record without `hash`
}

/** One line of a citizen's access log, as stored in the index. */
export interface AccessLogEntry {
  at: Date;
  /** The audit record it comes from. */
  chain: string;
  seq: number;
  requestId: string;
  actorKind: AuditActor['kind'];
  clientId?: string;
  clientName?: string;
  officerUnit?: string;
  purpose?: string;
  dossierRef?: string;
  /** Documents (scopes) and other kinds of this citizen's data disclosed in that request. */
  documents: DataKind[];
  /**
   * A parent or legal guardian who read the child's data acting for them: their personal ID and
   * capacity (other citizens who read someone's data, e.g. a household member named in their own
   * family document, are not named).
   */
  readerId?: string;
  capacity?: 'PARENT' | 'LEGAL_GUARDIAN';
  /** A share by QR code made (by the citizen) or redeemed (by the reader) in that request. */
  share?: { id: string; event: 'CREATED' | 'REDEEMED'; fields: string[] };
}
