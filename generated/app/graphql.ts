/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** State of an e-identity account (see docs/accounts.md, Lifecycle). */
export type AccountStatus =
  /** Not activated within 7 days of the notice: an officer must reopen it. */
  | 'ACTIVATION_EXPIRED'
  | 'ACTIVE'
  /** Approved and notified; to be activated with the one-time code within 7 days of the notice. */
  | 'APPROVED'
  | 'LOCKED'
  /** Registered; awaiting approval (deadline in working days). */
  | 'PENDING'
  | 'REJECTED';

/** What kind of system a registered client is. */
export type ClientKind =
  /** The citizen's own app. */
  | 'CITIZEN_APP'
  | 'OTHER'
  /** An administrative-procedure (TTHC) processing system. */
  | 'TTHC_SYSTEM'
  /** A system that checks papers a citizen shares (a bank, an employer...). */
  | 'VERIFIER';

/** What the citizen consents to. */
export type ConsentGrantInput = {
  /** The registered client (TTHC system, verifier...). */
  clientId: string;
  /** Reference of the dossier. */
  dossierRef: string;
  /** Procedure code the client is registered for. */
  purpose: string;
  /** The documents to share. */
  scopes: Array<DocumentScope>;
  /** Until when (at most one year ahead). */
  validUntil: string;
};

/** Status of a consent. */
export type ConsentStatus =
  /** In force: tokens may be issued and used under it. */
  | 'ACTIVE'
  /** Past its validity. */
  | 'EXPIRED'
  /** Withdrawn by the citizen; tokens already issued stop working within seconds. */
  | 'REVOKED';

/** How a period of contributions was paid. */
export type ContributionScheme =
  /** Compulsory social insurance (bắt buộc). */
  | 'COMPULSORY'
  /** Unemployment insurance (bảo hiểm thất nghiệp). */
  | 'UNEMPLOYMENT'
  /** Voluntary social insurance (tự nguyện). */
  | 'VOLUNTARY';

export type CorrectionRequestInput = {
  /** The field of the paper, by its API name (e.g. `fullName`, `classes`; docs/rights.md lists them). */
  field: string;
  /** What is wrong and what it should be (at most 500 characters). */
  note: string;
  /** The source whose paper is wrong. */
  source: DataSource;
};

/** Why a request or an action on it was refused (`userErrors`; the request itself succeeded). */
export type DataRequestErrorCode =
  /** Processing by this client is already restricted. */
  | 'ALREADY_RESTRICTED'
  /** A correction is completed once its reconciliation case is RESOLVED. */
  | 'CASE_NOT_RESOLVED'
  /** No client is registered with this id. */
  | 'CLIENT_UNKNOWN'
  /** Someone changed the request at the same time; retry. */
  | 'CONCURRENT_CHANGE'
  /** The deadline to act has passed: too late to extend. */
  | 'DEADLINE_PASSED'
  /** The deadline was already extended once. */
  | 'EXTENSION_ALREADY_USED'
  /** The request's status does not allow this action. */
  | 'ILLEGAL_TRANSITION'
  /** A text over 500 characters, or another unusable input. */
  | 'INVALID_INPUT'
  /** A correction request needs a note saying what is wrong. */
  | 'NOTE_REQUIRED'
  /** The officer's role does not handle requests of this kind. */
  | 'NOT_HANDLED_BY_ROLE'
  /** Processing by this client is not restricted. */
  | 'NOT_RESTRICTED'
  /** Extending and refusing need a reason. */
  | 'REASON_REQUIRED'
  /** Not a field of that source's paper (docs/rights.md lists them). */
  | 'UNKNOWN_FIELD';

/** What the citizen asks for. */
export type DataRequestKind =
  /** A copy of the data the hub holds or links (answered at once: `myDataExport`). */
  | 'ACCESS'
  /** The withdrawal of a consent (`consentRevoke`; the hub stops at once). */
  | 'CONSENT_WITHDRAWAL'
  /** The correction of a field of a paper: a case in the data-cleaning queue of the citizen's area. */
  | 'CORRECTION'
  /** An objection to processing by a client: no token, no new consent, no read for that client until lifted. */
  | 'OBJECTION'
  /** A restriction of processing by a client: enforced like an objection. */
  | 'RESTRICTION';

/** Where a request is (RECEIVED → ACKNOWLEDGED → IN_PROGRESS → DONE or REFUSED). */
export type DataRequestStatus =
  | 'ACKNOWLEDGED'
  | 'DONE'
  | 'IN_PROGRESS'
  | 'RECEIVED'
  /** Refused by an officer, with the reason. */
  | 'REFUSED';

/** The national databases the hub links. */
export type DataSource =
  /** Driving-licence database (Ministry of Public Security, traffic police). */
  | 'DRIVING_LICENCE'
  /** Health-insurance (BHYT) database (Vietnam Social Security). */
  | 'HEALTH_INSURANCE'
  /** Electronic health book (Ministry of Health). */
  | 'HEALTH_RECORD'
  /** National population database (Ministry of Public Security). */
  | 'POPULATION'
  /** Social-insurance (BHXH) database (Vietnam Social Security). */
  | 'SOCIAL_INSURANCE';

/** How a dependant relates to the citizen. */
export type DependantRelationship =
  | 'CHILD'
  | 'WARD';

/** The documents a citizen's data is divided into, for consents, tokens and disclosure. */
export type DocumentScope =
  /** Driving licence (Level 2). */
  | 'DRIVING_LICENCE'
  /** Household, parents, spouse and dependants (Level 2). */
  | 'FAMILY'
  /** Health-insurance card (Level 2). */
  | 'HEALTH_INSURANCE'
  /** Electronic health book: sensitive; needs this scope explicitly in every case (Level 2). */
  | 'HEALTH_RECORD'
  /** Basic identity: personal ID, full name, date of birth, sex (Level 1 and up). */
  | 'IDENTITY'
  /** The chip ID card and the history of identity cards (Level 2). */
  | 'IDENTITY_CARD'
  /** Residence information (Level 2). */
  | 'RESIDENCE'
  /** Social-insurance history (Level 2). */
  | 'SOCIAL_INSURANCE';

/** Status of a driving licence. */
export type DrivingLicenceStatus =
  /** Valid for the classes not yet expired. */
  | 'ACTIVE'
  /** Revoked. */
  | 'REVOKED'
  /** Temporarily suspended. */
  | 'SUSPENDED';

/** Kind of identity document. */
export type IdentityDocumentKind =
  /** 12-digit citizen identity card without chip. */
  | 'CCCD'
  /** 12-digit chip citizen identity card. */
  | 'CCCD_CHIP'
  /** Old 9-digit identity card (chứng minh nhân dân). */
  | 'CMND'
  /** Identity card (thẻ căn cước), issued since 1 July 2024. */
  | 'IDENTITY_CARD';

/** Who read a citizen's data. */
export type ReaderKind =
  /** The citizen themself. */
  | 'CITIZEN'
  /** A registered client (TTHC system, verifier) under the citizen's consent. */
  | 'CLIENT'
  /** An officer (data cleaning, working group) within their jurisdiction. */
  | 'OFFICER'
  /** The hub's scheduled jobs (sweeps). */
  | 'SYSTEM';

/** Sex as recorded in the population database. */
export type Sex =
  | 'FEMALE'
  | 'MALE';

/** Who may redeem a share code. */
export type ShareAudience =
  /** Any verifier of the hub: a signed-in officer, or a registered client registered for every shared paper. */
  | 'ANY_VERIFIER'
  /** One registered client only (`clientId`). */
  | 'CLIENT'
  /** Signed-in officers only. */
  | 'OFFICER';

/** What the citizen shares: whole papers, single fields, or both (at least one of them). */
export type ShareCreateInput = {
  /** Who may redeem the code. Default ANY_VERIFIER. */
  audience?: ShareAudience | null | undefined;
  /** With audience CLIENT: the registered client that may redeem it. */
  clientId?: string | null | undefined;
  /** Single fields (each within its paper). */
  fields?: Array<ShareField> | null | undefined;
  /** Papers shared whole (every field of each). FAMILY cannot be shared: it names other people. */
  papers?: Array<DocumentScope> | null | undefined;
};

/**
 * A field a citizen can share by QR code. Each belongs to one paper (the prefix, IDENTITY for the
 * basic identity attributes); its value is the one the paper's GraphQL field shows.
 */
export type ShareField =
  /** IDENTITY: date of birth. */
  | 'DATE_OF_BIRTH'
  /** IDENTITY: date of death. */
  | 'DATE_OF_DEATH'
  /** DRIVING_LICENCE: classes with their dates. */
  | 'DRIVING_LICENCE_CLASSES'
  /** DRIVING_LICENCE: holder's name as the licence database records it. */
  | 'DRIVING_LICENCE_HOLDER_NAME'
  /** DRIVING_LICENCE: issuing authority. */
  | 'DRIVING_LICENCE_ISSUED_BY'
  /** DRIVING_LICENCE: date of first issue. */
  | 'DRIVING_LICENCE_ISSUED_ON'
  /** DRIVING_LICENCE: licence number. */
  | 'DRIVING_LICENCE_NUMBER'
  /** DRIVING_LICENCE: remaining points. */
  | 'DRIVING_LICENCE_POINTS'
  /** DRIVING_LICENCE: status. */
  | 'DRIVING_LICENCE_STATUS'
  /** IDENTITY: ethnic group. */
  | 'ETHNICITY'
  /** IDENTITY: full name. */
  | 'FULL_NAME'
  /** HEALTH_INSURANCE: benefit level. */
  | 'HEALTH_INSURANCE_BENEFIT_LEVEL'
  /** HEALTH_INSURANCE: card number. */
  | 'HEALTH_INSURANCE_CARD_NUMBER'
  /** HEALTH_INSURANCE: start of five continuous years of coverage. */
  | 'HEALTH_INSURANCE_FIVE_YEARS_CONTINUOUS_FROM'
  /** HEALTH_INSURANCE: registered primary-care facility. */
  | 'HEALTH_INSURANCE_PRIMARY_CARE_FACILITY'
  /** HEALTH_INSURANCE: social-insurance code. */
  | 'HEALTH_INSURANCE_SOCIAL_INSURANCE_CODE'
  /** HEALTH_INSURANCE: whether the card is valid today. */
  | 'HEALTH_INSURANCE_VALID'
  /** HEALTH_INSURANCE: valid from. */
  | 'HEALTH_INSURANCE_VALID_FROM'
  /** HEALTH_INSURANCE: valid until. */
  | 'HEALTH_INSURANCE_VALID_TO'
  /** HEALTH_RECORD: known allergies. */
  | 'HEALTH_RECORD_ALLERGIES'
  /** HEALTH_RECORD: blood type. */
  | 'HEALTH_RECORD_BLOOD_TYPE'
  /** HEALTH_RECORD: chronic conditions. */
  | 'HEALTH_RECORD_CHRONIC_CONDITIONS'
  /** HEALTH_RECORD: vaccinations. */
  | 'HEALTH_RECORD_VACCINATIONS'
  /** HEALTH_RECORD: visits. */
  | 'HEALTH_RECORD_VISITS'
  /** IDENTITY_CARD: whether the current card has expired. */
  | 'IDENTITY_CARD_EXPIRED'
  /** IDENTITY_CARD: expiry date. */
  | 'IDENTITY_CARD_EXPIRES_ON'
  /** IDENTITY_CARD: every identity document ever issued (old CMND included). */
  | 'IDENTITY_CARD_HISTORY'
  /** IDENTITY_CARD: issuing authority. */
  | 'IDENTITY_CARD_ISSUED_BY'
  /** IDENTITY_CARD: date of issue. */
  | 'IDENTITY_CARD_ISSUED_ON'
  /** IDENTITY_CARD: the current card's kind. */
  | 'IDENTITY_CARD_KIND'
  /** IDENTITY_CARD: the current card's number. */
  | 'IDENTITY_CARD_NUMBER'
  /** IDENTITY: nationality. */
  | 'NATIONALITY'
  /** IDENTITY: the 12-digit personal ID. */
  | 'PERSONAL_ID'
  /** RESIDENCE: current address. */
  | 'RESIDENCE_CURRENT_ADDRESS'
  /** RESIDENCE: permanent address. */
  | 'RESIDENCE_PERMANENT_ADDRESS'
  /** RESIDENCE: place of origin. */
  | 'RESIDENCE_PLACE_OF_ORIGIN'
  /** RESIDENCE: date the permanent residence was registered. */
  | 'RESIDENCE_REGISTERED_ON'
  /** IDENTITY: sex. */
  | 'SEX'
  /** SOCIAL_INSURANCE: benefits paid. */
  | 'SOCIAL_INSURANCE_BENEFITS'
  /** SOCIAL_INSURANCE: contribution periods. */
  | 'SOCIAL_INSURANCE_CONTRIBUTION_PERIODS'
  /** SOCIAL_INSURANCE: holder's name as the source records it. */
  | 'SOCIAL_INSURANCE_HOLDER_NAME_AT_SOURCE'
  /** SOCIAL_INSURANCE: social-insurance number. */
  | 'SOCIAL_INSURANCE_NUMBER'
  /** SOCIAL_INSURANCE: total months of contributions. */
  | 'SOCIAL_INSURANCE_TOTAL_MONTHS'
  /** IDENTITY: alive or deceased. */
  | 'VITAL_STATUS';

/** What a share event was, in the citizen's access log. */
export type ShareLogEvent =
  /** The citizen made a share code. */
  | 'CREATED'
  /** A verifier redeemed it. */
  | 'REDEEMED';

/** Whether the population database records the citizen as alive. */
export type VitalStatus =
  | 'ALIVE'
  | 'DECEASED';

export type MyAccessLogQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  documents?: Array<DocumentScope> | DocumentScope | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
}>;


export type MyAccessLogQuery = { myAccessLog: { hasNextPage: boolean, endCursor: string | null, entries: Array<{ at: string, readerKind: ReaderKind, clientName: string | null, officerUnit: string | null, purpose: string | null, dossierRef: string | null, documents: Array<DocumentScope>, share: { id: string, event: ShareLogEvent, fields: Array<ShareField> } | null }> } };

export type ConsentItemFragment = { id: string, scopes: Array<DocumentScope>, purpose: string, dossierRef: string, createdAt: string, validFrom: string, validUntil: string, status: ConsentStatus, useCount: number, lastUsedAt: string | null, client: { id: string, name: string } };

export type MyConsentsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type MyConsentsQuery = { myConsents: Array<{ id: string, scopes: Array<DocumentScope>, purpose: string, dossierRef: string, createdAt: string, validFrom: string, validUntil: string, status: ConsentStatus, useCount: number, lastUsedAt: string | null, client: { id: string, name: string } }> };

export type ConsentGrantMutationVariables = Exact<{
  input: ConsentGrantInput;
}>;


export type ConsentGrantMutation = { consentGrant: { consent: { id: string, scopes: Array<DocumentScope>, purpose: string, dossierRef: string, createdAt: string, validFrom: string, validUntil: string, status: ConsentStatus, useCount: number, lastUsedAt: string | null, client: { id: string, name: string } } | null, userErrors: Array<{ code: string, message: string, field: string | null }> } };

export type ConsentRevokeMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsentRevokeMutation = { consentRevoke: { consent: { id: string, scopes: Array<DocumentScope>, purpose: string, dossierRef: string, createdAt: string, validFrom: string, validUntil: string, status: ConsentStatus, useCount: number, lastUsedAt: string | null, client: { id: string, name: string } } | null, userErrors: Array<{ code: string, message: string }> } };

export type RegisteredClientsQueryVariables = Exact<{ [key: string]: never; }>;


export type RegisteredClientsQuery = { registeredClients: Array<{ id: string, name: string, kind: ClientKind, scopes: Array<DocumentScope>, purposes: Array<{ code: string, name: string | null }> }> };

export type SourceFragment = { source: DataSource, updatedAtSource: string | null };

export type MyPapersQueryVariables = Exact<{ [key: string]: never; }>;


export type MyPapersQuery = { me: { personalId: string | null, fullName: string | null, dateOfBirth: string | null, sex: Sex | null, ethnicity: string | null, nationality: string | null, vitalStatus: VitalStatus | null, provenance: { source: DataSource, updatedAtSource: string | null } | null, identityCard: { kind: IdentityDocumentKind | null, number: string | null, issuedOn: string | null, expiresOn: string | null, issuedBy: string | null, expired: boolean | null, history: Array<{ kind: IdentityDocumentKind | null, number: string | null, issuedOn: string | null, expiresOn: string | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, residence: { registeredOn: string | null, permanentAddress: { formatted: string | null, legacy: boolean }, currentAddress: { formatted: string | null, legacy: boolean } | null, placeOfOrigin: { formatted: string | null } | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, household: { householdNumber: string | null, relationshipToHead: string | null, members: Array<{ fullName: string | null, relationshipToHead: string | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, family: { father: { fullName: string | null } | null, mother: { fullName: string | null } | null, spouse: { fullName: string | null } | null, dependants: Array<{ fullName: string | null, dateOfBirth: string | null, relationship: DependantRelationship | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, drivingLicence: { number: string | null, issuedBy: string | null, issuedOn: string | null, status: DrivingLicenceStatus | null, points: number | null, classes: Array<{ code: string | null, issuedOn: string | null, expiresOn: string | null, expired: boolean | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, healthInsurance: { cardNumber: string | null, benefitLevel: number | null, validFrom: string | null, validTo: string | null, valid: boolean | null, fiveYearsContinuousFrom: string | null, primaryCareFacility: { code: string | null, name: string | null } | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, socialInsurance: { socialInsuranceNumber: string | null, totalMonths: number | null, contributionPeriods: Array<{ from: string | null, to: string | null, employer: string | null, scheme: ContributionScheme | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, healthRecord: { bloodType: string | null, allergies: Array<string> | null, chronicConditions: Array<{ icd10: string | null, name: string | null, since: string | null }> | null, visits: Array<{ date: string | null, facility: { name: string | null } | null, diagnoses: Array<{ icd10: string | null, name: string | null }> | null }> | null, vaccinations: Array<{ vaccine: string | null, date: string | null, dose: number | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null } | null };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { personalId: string | null } | null };

export type RequestItemFragment = { id: string, kind: DataRequestKind, status: DataRequestStatus, source: DataSource | null, field: string | null, note: string | null, clientId: string | null, receivedAt: string, acknowledgeBy: string, actBy: string, extendedAt: string | null, closedAt: string | null, refusalReason: string | null, resolution: string | null, caseId: string | null, acknowledgementOverdue: boolean, actionOverdue: boolean };

export type CorrectionRequestMutationVariables = Exact<{
  input: CorrectionRequestInput;
}>;


export type CorrectionRequestMutation = { correctionRequest: { request: { id: string, kind: DataRequestKind, status: DataRequestStatus, source: DataSource | null, field: string | null, note: string | null, clientId: string | null, receivedAt: string, acknowledgeBy: string, actBy: string, extendedAt: string | null, closedAt: string | null, refusalReason: string | null, resolution: string | null, caseId: string | null, acknowledgementOverdue: boolean, actionOverdue: boolean } | null, userErrors: Array<{ code: DataRequestErrorCode, message: string, field: string | null }> } };

export type MyRequestsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type MyRequestsQuery = { myRequests: { nodes: Array<{ id: string, kind: DataRequestKind, status: DataRequestStatus, source: DataSource | null, field: string | null, note: string | null, clientId: string | null, receivedAt: string, acknowledgeBy: string, actBy: string, extendedAt: string | null, closedAt: string | null, refusalReason: string | null, resolution: string | null, caseId: string | null, acknowledgementOverdue: boolean, actionOverdue: boolean }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type MyAccountLevelQueryVariables = Exact<{ [key: string]: never; }>;


export type MyAccountLevelQuery = { myAccount: { level: number, status: AccountStatus } | null };

export type ShareCreateMutationVariables = Exact<{
  input: ShareCreateInput;
}>;


export type ShareCreateMutation = { shareCreate: { code: string, id: string, expiresAt: string, audience: ShareAudience, papers: Array<DocumentScope>, fields: Array<ShareField> } | null };

export type ShareRedeemMutationVariables = Exact<{
  code: string;
}>;


export type ShareRedeemMutation = { shareRedeem: { sdJwt: string, issuer: string, keyId: string, audience: string, issuedAt: string, expiresAt: string, papers: Array<{ paper: DocumentScope, claim: string, fields: Array<{ field: ShareField, claim: string, value: unknown }> }> } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ConsentItemFragmentDoc = new TypedDocumentString(`
    fragment ConsentItem on Consent {
  id
  client {
    id
    name
  }
  scopes
  purpose
  dossierRef
  createdAt
  validFrom
  validUntil
  status
  useCount
  lastUsedAt
}
    `, {"fragmentName":"ConsentItem"}) as unknown as TypedDocumentString<ConsentItemFragment, unknown>;
export const SourceFragmentDoc = new TypedDocumentString(`
    fragment Source on Provenance {
  source
  updatedAtSource
}
    `, {"fragmentName":"Source"}) as unknown as TypedDocumentString<SourceFragment, unknown>;
export const RequestItemFragmentDoc = new TypedDocumentString(`
    fragment RequestItem on DataRequest {
  id
  kind
  status
  source
  field
  note
  clientId
  receivedAt
  acknowledgeBy
  actBy
  extendedAt
  closedAt
  refusalReason
  resolution
  caseId
  acknowledgementOverdue
  actionOverdue
}
    `, {"fragmentName":"RequestItem"}) as unknown as TypedDocumentString<RequestItemFragment, unknown>;
export const MyAccessLogDocument = {"__meta__":{"hash":"sha256:d8daaa6256556e5c4f21bfb23772ed56a4c4d53915f128745384386df8da2d4e"}} as unknown as TypedDocumentString<MyAccessLogQuery, MyAccessLogQueryVariables>;
export const MyConsentsDocument = {"__meta__":{"hash":"sha256:65217e3cbc74ba2debae6236e358caf4ca9bcf3273e17453aa2d7a4d046ddf3a"}} as unknown as TypedDocumentString<MyConsentsQuery, MyConsentsQueryVariables>;
export const ConsentGrantDocument = {"__meta__":{"hash":"sha256:76737d0cf07fec1d5828adbf01a9738da3b88826faf3f625624716c68343af32"}} as unknown as TypedDocumentString<ConsentGrantMutation, ConsentGrantMutationVariables>;
export const ConsentRevokeDocument = {"__meta__":{"hash":"sha256:56b295b24864d5d726d816ec5882aad8908f4d95c35c9576593e2095b1afd4d7"}} as unknown as TypedDocumentString<ConsentRevokeMutation, ConsentRevokeMutationVariables>;
export const RegisteredClientsDocument = {"__meta__":{"hash":"sha256:0ee72f5304c1541ad726f6befa35b56887fcd01efe1aad756e51cb1f042669ae"}} as unknown as TypedDocumentString<RegisteredClientsQuery, RegisteredClientsQueryVariables>;
export const MyPapersDocument = {"__meta__":{"hash":"sha256:513d85a59f3fa8bbf0dd335d9a1fce3aa0328edd4f74bff0a1201e9e6dc4cf86"}} as unknown as TypedDocumentString<MyPapersQuery, MyPapersQueryVariables>;
export const MeDocument = {"__meta__":{"hash":"sha256:f67ef94381f71d38b4d7d9185abd9dcdc8e7cd04490fa2f290d8fd0b36651bea"}} as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const CorrectionRequestDocument = {"__meta__":{"hash":"sha256:9dfe87358b8affb89e98c97f22702e56e44980b83f2f8ff449d16fbfc89974b7"}} as unknown as TypedDocumentString<CorrectionRequestMutation, CorrectionRequestMutationVariables>;
export const MyRequestsDocument = {"__meta__":{"hash":"sha256:5001de396b98691ab873b3ddc6d9e45f5c0195816a32f4f7caeb9ee2c196567a"}} as unknown as TypedDocumentString<MyRequestsQuery, MyRequestsQueryVariables>;
export const MyAccountLevelDocument = {"__meta__":{"hash":"sha256:5dfa474ecfedd9f43af11bb7c87b2b54ffb48fecd59467d8d88ca7548bf0dddc"}} as unknown as TypedDocumentString<MyAccountLevelQuery, MyAccountLevelQueryVariables>;
export const ShareCreateDocument = {"__meta__":{"hash":"sha256:574bf44b73c51c311c146d03a3b0e13a30a747a1600a7f00b5b8c7b161d6d554"}} as unknown as TypedDocumentString<ShareCreateMutation, ShareCreateMutationVariables>;
export const ShareRedeemDocument = {"__meta__":{"hash":"sha256:f1cc03a0786172f4a7b236f7ea3024ef815d48ccedede36b82fbeaa981dd7214"}} as unknown as TypedDocumentString<ShareRedeemMutation, ShareRedeemMutationVariables>;