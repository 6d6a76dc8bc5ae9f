import type { DocumentScope } from '../access/auth/principal';
import type { ShareFieldName, SharePaper } from './fields';

/** How long a share code works, seconds (the SD-JWT's `exp` is `iat` + this). */
export const SHARE_TTL_S = 60;

/** Who may redeem a share (GraphQL `ShareAudience`). */
export type ShareAudience = 'ANY_VERIFIER' | 'OFFICER' | 'CLIENT';

/** A share as stored (`hub.shares`, `_id` = share id). No personal data is readable in it. */
export interface ShareDoc {
  _id: string;
  citizenId: string;
  createdAt: Date;
  expiresAt: Date;
  audience: ShareAudience;
  /** With audience CLIENT: the client that may redeem it. */
  clientId?: string;
  papers: SharePaper[];
  fields: ShareFieldName[];
  /** The SD-JWT, sealed (AES-128-GCM, the share id as associated data) under the code's key. */
  sealed: { iv: string; tag: string; data: string };
}

/** The redemption of a share (`hub.shareRedemptions`, `_id` = share id): its insert is the single use. */
export interface ShareRedemptionDoc {
  _id: string;
  at: Date;
  /** Kept as long as the share (purged together). */
  expiresAt: Date;
  by: { kind: 'OFFICER' | 'CLIENT'; id: string; unit?: string };
}

/** What `shareCreate` answers (GraphQL `Share`). */
export interface ShareView {
  code: string;
  id: string;
  expiresAt: Date;
  audience: ShareAudience;
  clientId: string | null;
  papers: SharePaper[];
  fields: ShareFieldName[];
}

/** One shared field (GraphQL `SharedField`). */
export interface SharedFieldView {
  field: ShareFieldName;
  claim: string;
  value: unknown;
}

/** One shared paper (GraphQL `SharedPaper`, a `@personal` type: `citizenId` is its subject). */
export interface SharedPaperView {
  citizenId: string;
  paper: SharePaper;
  claim: string;
  fields: SharedFieldView[];
}

/** What `shareRedeem` answers (GraphQL `ShareRedemption`, `@personal`: audited as `papers`). */
export interface RedemptionView {
  citizenId: string;
  sdJwt: string;
  issuer: string;
  keyId: string;
  audience: string;
  issuedAt: Date;
  expiresAt: Date;
  papers: SharedPaperView[];
}

/** Input of `shareCreate`. */
export interface ShareCreateInput {
  papers?: readonly DocumentScope[] | null;
  fields?: readonly string[] | null;
  audience?: ShareAudience | null;
  clientId?: string | null;
}
