/**
 * The access module's shared types: the consent artefacts and what their operations answer
 * (services/access/consents/). Consent artefacts (`hub.consents`, `_id` = consent id): a citizen
 * lets one client read some of their documents for one procedure (purpose) and one dossier,
 * until a date.
 *
 * The embedded store applies every update as a read-modify-write of the whole document without
 * a lock; the one atomic step is inserting a unique `_id`. So:
 * - a citizen's consents are listed through one index document per consent
 *   (`hub.consentSlots`, `_id` = `<personal ID>#<n>`, n = 1, 2, ...), each claimed by inserting
 *   it: concurrent grants take different slots and none is lost. `hub.consentsByCitizen`
 *   (`_id` = personal ID) holds `n`, a hint of the last slot (the listing probes past it), and
 *   the ids of consents granted before the slots (`ids`, read only);
 * - a revocation is decided by inserting a marker into `hub.consentRevocations` (`_id` =
 *   consent id), and that marker is authoritative wherever a status is read (`findConsent`):
 *   the artefact's `status` is a copy written after it, which a concurrent write could undo;
 * - uses are counted in `hub.consentUsage` (`_id` = consent id), never in the artefact, so no
 *   background write touches the consent document.
 *
 * Revocation only flips the artefact's status: nothing that was recorded under the
 * consent before (audit records, use count) is changed or removed.
 */
import type { DocumentScope } from './auth/principal';

export const CONSENTS_COLLECTION = 'consents';
export const CONSENTS_BY_CITIZEN_COLLECTION = 'consentsByCitizen';
/** One index document per consent (`_id` = `<citizen>#<n>`): its insert claims the slot. */
export const CONSENT_SLOTS_COLLECTION = 'consentSlots';
/** One marker per revoked consent (`_id` = consent id): its insert decides the revocation. */
export const CONSENT_REVOCATIONS_COLLECTION = 'consentRevocations';
/** Use counts (`_id` = consent id), kept out of the consent document. */
export const CONSENT_USAGE_COLLECTION = 'consentUsage';

/** The most ACTIVE consents a citizen may hold (a grant past it: TOO_MANY_CONSENTS). */
export const MAX_ACTIVE_CONSENTS_PER_CITIZEN = 200;
/** `myConsents` page size: default and maximum. */
export const CONSENT_PAGE_DEFAULT = 50;
export const CONSENT_PAGE_MAX = 100;

/** The longest a consent may run. */
export const MAX_CONSENT_VALIDITY_MS = 365 * 24 * 3600 * 1000;

export type StoredConsentStatus = 'ACTIVE' | 'REVOKED';
export type ConsentStatus = 'ACTIVE' | 'REVOKED' | 'EXPIRED';

export interface ConsentDoc {
  _id: string;
  citizenId: string;
  clientId: string;
  scopes: DocumentScope[];
  /** Procedure code. */
  purpose: string;
  /** The dossier (hồ sơ) of the procedure the consent is for. */
  dossierRef: string;
  createdAt: Date;
  validFrom: Date;
  validUntil: Date;
  /** Stored status; EXPIRED is derived (see `consentStatus`). */
  status: StoredConsentStatus;
  revokedAt?: Date;
  /** Uses counted in the artefact before `hub.consentUsage` (never written now). */
  useCount: number;
  lastUsedAt?: Date;
  /** The citizen's index slot (`hub.consentSlots`); absent on consents granted before slots. */
  slot?: number;
  /** The client's registration generation the grant was checked against (clients.ts `gen`). */
  clientGen?: number;
  /** Set once the grant found no suspension after `clientGen` (see `grantConsent`). */
  clientChecked?: boolean;
  /** Given by a parent or legal guardian on the child's behalf (`wardConsentGrant`); absent when the citizen gave it. */
  grantedBy?: ConsentGrantor;
  /** Withdrawn by a parent or legal guardian on the child's behalf (`wardConsentRevoke`). */
  revokedBy?: ConsentGrantor;
}

/** A parent or legal guardian acting for the child (services/access/guardianship.ts). */
export interface ConsentGrantor {
  personalId: string;
  capacity: 'PARENT' | 'LEGAL_GUARDIAN';
}

/** A consent as shown to its citizen: the status is the derived one. */
export type Consent = Omit<ConsentDoc, 'status'> & { status: ConsentStatus };

export interface ConsentUserError {
  code:
    | 'CLIENT_UNKNOWN'
    | 'CLIENT_SUSPENDED'
    | 'SCOPE_NOT_REGISTERED'
    | 'PURPOSE_NOT_REGISTERED'
    | 'INVALID_VALIDITY'
    | 'INVALID_INPUT'
    | 'NOT_FOUND'
    | 'ALREADY_REVOKED'
    | 'TOO_MANY_CONSENTS';
  message: string;
  field: string | null;
}

export interface GrantConsentInput {
  clientId: string;
  scopes: DocumentScope[];
  purpose: string;
  dossierRef: string;
  validUntil: Date;
  /** Default: now. */
  validFrom?: Date;
  /** A parent or legal guardian granting on the child's behalf. */
  grantedBy?: ConsentGrantor;
}

export type ConsentResult =
  { consent: Consent; userErrors?: undefined } | { consent?: undefined; userErrors: ConsentUserError[] };

/** What the request path needs to know about a consent. */
export interface ConsentSnapshot {
  id: string;
  citizenId: string;
  clientId: string;
  scopes: DocumentScope[];
  purpose: string;
  dossierRef: string;
  status: StoredConsentStatus;
  validFrom: Date;
  validUntil: Date;
  /** A parent or legal guardian gave it for the child: it holds while the guardianship does. */
  grantedBy?: ConsentGrantor;
}

/** `hub.consentsByCitizen`: the citizen's slot hint and pre-slot consents. */
export interface CitizenIndexDoc {
  _id: string;
  /** Consents granted before the slots, oldest first (read only). */
  ids?: string[];
  /** Hint: a slot that is taken (every slot up to it is). */
  n?: number;
}

/** `hub.consentSlots`: one per consent of a citizen. */
export interface SlotDoc {
  _id: string;
  citizenId: string;
  consentId: string;
}

/** `hub.consentRevocations`: the marker that decided a revocation. */
export interface RevocationDoc {
  _id: string;
  citizenId: string;
  at: Date;
  /** A parent or legal guardian withdrew it for the child. */
  by?: ConsentGrantor;
}

/** `hub.consentUsage`: a consent's use count. */
export interface UsageDoc {
  _id: string;
  useCount: number;
  lastUsedAt?: Date;
}
