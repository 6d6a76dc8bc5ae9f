/**
 * Who is calling. Built once per request from the bearer token (or ANONYMOUS), then
 * read by the disclosure policy and the audit. Never trusted for a citizen's account
 * level or status: those are read from the hub's accounts at request time.
 */

/** Document scopes, as in tokens, consents and the GraphQL `DocumentScope` enum. */
export const DOCUMENT_SCOPES = [
  'IDENTITY',
  'RESIDENCE',
  'IDENTITY_CARD',
  'FAMILY',
  'DRIVING_LICENCE',
  'HEALTH_INSURANCE',
  'SOCIAL_INSURANCE',
  'HEALTH_RECORD',
] as const;
export type DocumentScope = (typeof DOCUMENT_SCOPES)[number];

/**
 * Officer roles (from the identity provider). DATA_PROTECTION handles the data subjects' requests
 * of its area (docs/rights.md).
 */
export const OFFICER_ROLES = [
  'DATA_CLEANING',
  'WORKING_GROUP',
  'ACCOUNT_APPROVER',
  'SUPERVISOR',
  'DATA_PROTECTION',
] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

/**
 * The jurisdiction of a national supervisor (`{province: 'VN'}`): accepted for SUPERVISOR only,
 * it opens national reconciliation and nothing else (no province or commune is in it, so every
 * citizen-data check answers OUT_OF_JURISDICTION).
 */
export const NATIONAL_AREA_CODE = 'VN';

/** An officer's jurisdiction: a province, or one commune/ward of it (today's codes); or VN, see above. */
export interface Jurisdiction {
  province: string;
  commune?: string;
}

export type Principal =
  | { kind: 'ANONYMOUS' }
  | {
      kind: 'CITIZEN';
      /** The citizen's personal ID (`sub`). */
      personalId: string;
      issuer: string;
      tokenId?: string;
      /** RFC 9068 `client_id`: the app the citizen signed in through, when the token says. */
      app?: string;
      /** `sid`: the sign-in session (the hub's login flow); its revocation stops the token. */
      sessionId?: string;
    }
  | {
      kind: 'CLIENT';
      /** `azp`: the registered client (TTHC system, verifier...). */
      clientId: string;
      /** `sub`: the citizen the consent is about. */
      citizenId: string;
      /** `cid`: the consent the token was issued under. */
      consentId: string;
      scopes: DocumentScope[];
      /** Procedure code the consent was given for. */
      purpose: string;
      issuer: string;
      tokenId?: string;
    }
  | {
      kind: 'OFFICER';
      officerId: string;
      role: OfficerRole;
      jurisdiction: Jurisdiction;
      /** The officer's unit, shown to citizens in their access log. */
      unit: string;
      issuer: string;
      tokenId?: string;
      /** RFC 9068 `client_id`: the app the officer signed in through, when the token says. */
      app?: string;
      /** `sid`: the sign-in session (the hub's login flow); its revocation stops the token. */
      sessionId?: string;
    };

export const ANONYMOUS: Principal = { kind: 'ANONYMOUS' };

/** Why a presented token was refused (`extensions.reason` with UNAUTHENTICATED; also audited). */
export type AuthFailureReason =
  | 'MALFORMED'
  | 'TOO_LARGE'
  | 'ALGORITHM_NOT_ALLOWED'
  | 'WRONG_TYPE'
  | 'UNKNOWN_ISSUER'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'WRONG_AUDIENCE'
  | 'BAD_CLAIMS'
  /** The token's sign-in session was ended (logout, revocation, a reused code or refresh token). */
  | 'REVOKED';
