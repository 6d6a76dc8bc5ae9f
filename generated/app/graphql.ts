/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Why an account operation was refused (`userErrors`; the request itself succeeded). */
export type AccountErrorCode =
  | 'ACTIVATION_WINDOW_CLOSED'
  | 'ACTIVATION_WINDOW_OPEN'
  | 'ALREADY_LOCKED'
  | 'ALREADY_NOTIFIED'
  | 'ALREADY_REGISTERED'
  | 'AREA_UNKNOWN'
  | 'CODE_EXPIRED'
  | 'CONCURRENT_CHANGE'
  | 'FINGERPRINTS_REQUIRED'
  /** The person is 14 or over: the account is in their own hands. */
  | 'GUARDIANSHIP_ENDED'
  /** A child's account is registered and managed through the guardian's own ACTIVE Level 2 account. */
  | 'GUARDIAN_LEVEL_2_REQUIRED'
  | 'HOLDER_DECEASED'
  | 'ID_CARD_NOT_EXPIRED'
  | 'ID_CARD_STILL_EXPIRED'
  | 'ILLEGAL_TRANSITION'
  | 'INVALID_CODE'
  | 'INVALID_EMAIL'
  /** A free-text input the service refuses (a reason over 500 characters, a portrait reference). */
  | 'INVALID_INPUT'
  | 'INVALID_PHONE'
  | 'LEVEL_ALREADY_2'
  /** A lock on a ground this actor may not use (the holder: HOLDER_REQUEST; an officer: not the system's grounds). */
  | 'LOCK_GROUND_NOT_ALLOWED'
  | 'NOTICE_NOT_SENT'
  | 'NOT_ELIGIBLE_DECEASED'
  /** A guardian's request for someone aged 14 or over, who registers themselves. */
  | 'NOT_ELIGIBLE_GUARDIAN_NOT_NEEDED'
  /** Aged 6 to under 14 without a valid identity card (Decree 69/2024 Art. 7). */
  | 'NOT_ELIGIBLE_NO_IDENTITY_CARD'
  /** A foreigner without a valid permanent or temporary residence card (Decree 69/2024 Art. 7). */
  | 'NOT_ELIGIBLE_NO_RESIDENCE_CARD'
  | 'NOT_ELIGIBLE_TOO_YOUNG'
  | 'NOT_ELIGIBLE_UNKNOWN_PERSON'
  /** The population record does not show the caller as the person's parent or guardian. */
  | 'NOT_GUARDIAN'
  | 'NOT_NOTIFIED'
  | 'NOT_PERMITTED'
  | 'NO_ACCOUNT'
  | 'NO_CODE_PENDING'
  | 'NO_PENDING_UPGRADE'
  /** No authority's unlock request is recorded for this account. */
  | 'NO_UNLOCK_REQUEST'
  | 'OUT_OF_JURISDICTION'
  | 'OWNERSHIP_NOT_VERIFIED'
  | 'PHONE_NOT_VERIFIED'
  | 'PHONE_UNCHANGED'
  | 'REASON_REQUIRED'
  | 'TOO_MANY_ATTEMPTS'
  | 'TOO_MANY_CODES'
  /** An authority's unlock request is already recorded for this account. */
  | 'UNLOCK_REQUEST_PENDING'
  | 'UPGRADE_ALREADY_PENDING';

/**
 * The eligible groups reports and work lists count apart (Decree 69/2024 Art. 7, 10 as summarised),
 * as of the registration (accounts) or the last population refresh (people with no account).
 */
export type AccountGroup =
  /** Citizens aged 6 to under 14 with a valid identity card. */
  | 'CHILD_6_14'
  /** Citizens under 6. */
  | 'CHILD_UNDER_6'
  /** Citizens aged 14 and over (the seeds' group). */
  | 'CITIZEN_14'
  /** Foreigners with a valid permanent or temporary residence card. */
  | 'FOREIGNER'
  /** Accounts a parent or guardian registered (overlaps the children's groups; no population figure). */
  | 'GUARDIAN_REGISTERED';

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

export type AreaKind =
  | 'COMMUNE'
  /** The whole country (code VN): national reconciliation only. */
  | 'NATIONAL'
  | 'PROVINCE';

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

/** A kind of data defect between the sources (docs/domain.md, "Data quality"). */
export type DefectKind =
  /** A citizen's request to correct a field of a paper (a data-subject request; never found or cleared by runs). */
  | 'CORRECTION_REQUEST'
  /** A deceased person with a still-valid card or licence. */
  | 'DECEASED_ACTIVE'
  /** A second record for one person. */
  | 'DUPLICATE'
  /** An expired chip ID card. */
  | 'EXPIRED_ID_CARD'
  /** A name that differs only in form (case, diacritics, NFC/NFD, tone-mark placement, Đ/D). */
  | 'FORMAT_ONLY'
  /**
   * A record that cannot be read as its agency's shape: a field missing, null, of the wrong type,
   * empty, oversized, with control characters, or an unknown code (`sourceField` names it).
   */
  | 'MALFORMED'
  /**
   * A real difference in full name, date of birth or sex; or a social-insurance number in the
   * personal-ID form (since 1 August 2025) that is not the person's personal ID.
   */
  | 'MISMATCH'
  /**
   * A record keyed by the person's old 9-digit CMND, or (social insurance) by the book's older
   * 10-digit number, instead of the personal ID.
   */
  | 'OLD_ID_KEY'
  /** A record with no matching person. */
  | 'ORPHAN';

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

/** The form of a health-insurance card. */
export type HealthInsuranceCardForm =
  /** Electronic: shown in VNeID or VssID or read from the chip ID card, no card printed (the rule since 1 June 2025). */
  | 'ELECTRONIC'
  /** A printed card: every card issued before 1 June 2025; since then only by exception. */
  | 'PAPER';

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

/** The identity attribute a FORMAT_ONLY or MISMATCH finding is about (docs/reconciliation-rules.md). */
export type IdentityField =
  | 'DATE_OF_BIRTH'
  | 'FULL_NAME'
  | 'SEX'
  /** MISMATCH only: a social-insurance number in the personal-ID form that is not the person's personal ID. */
  | 'SOCIAL_INSURANCE_NUMBER';

/** How a value differs only in form (docs/reconciliation-rules.md). */
export type NameVariant =
  /** A date of birth or sex coded otherwise than the source's convention ("NỮ" for 2, an ISO date for dd/MM/yyyy). */
  | 'CODING'
  | 'D_FOR_DD'
  /** Zero-width space or joiner, byte-order mark, soft hyphen, word joiner in the name. */
  | 'INVISIBLE'
  /** A look-alike letter of a legacy encoding (Ð U+00D0 for Đ). */
  | 'LOOK_ALIKE'
  /** Lower-case letters in a source whose convention is upper case. */
  | 'LOWER_CASE'
  | 'NFD'
  | 'NO_DIACRITICS'
  | 'OLD_TONE_MARK'
  | 'SPACING'
  | 'UPPER_CASE';

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

/** How a FORMAT_ONLY case is closed in bulk. */
export type ReconciliationBulkClose =
  /** Not a defect to act on: dismissed with the note as the reason. */
  | 'DISMISS'
  /** Normalised at the source: an OPEN case is confirmed, then resolved (two history entries). */
  | 'RESOLVE';

export type ReconciliationCaseErrorCode =
  /** Someone changed the case at the same time; retry. */
  | 'CONCURRENT_CHANGE'
  /** The case's status does not allow this action. */
  | 'ILLEGAL_TRANSITION'
  /** An assignee is an officer id (1–64 letters, digits, . _ : @ -); data-cleaning officers assign to themselves only. */
  | 'INVALID_ASSIGNEE'
  /** Dismissing needs a reason; a note needs text. */
  | 'NOTE_REQUIRED'
  | 'NOTE_TOO_LONG'
  /** A bulk FORMAT_ONLY action named a case of another kind. */
  | 'NOT_FORMAT_ONLY'
  /** No case with this id in your jurisdiction (bulk actions; unknown and elsewhere alike). */
  | 'NOT_FOUND'
  | 'TOO_MANY_NOTES';

/** What happened to a case. */
export type ReconciliationCaseEvent =
  | 'ASSIGN'
  /** A later run over the area no longer found the defect. */
  | 'CLEARED'
  | 'CONFIRM'
  | 'DISMISS'
  | 'NOTE'
  /** A later run found again a defect resolved before it started. */
  | 'RECURRED'
  | 'REOPEN'
  | 'RESOLVE';

/** The order of a page of cases. */
export type ReconciliationCaseOrder =
  /** By area (commune code) and case id: stable, the cheapest. */
  | 'AREA'
  /**
   * By legal deadline: the citizens' correction requests (`dueAt`), the soonest first (so the
   * overdue ones first); then the cases without a deadline, in area order.
   */
  | 'DUE'
  /** Newest first. */
  | 'NEWEST'
  /** Oldest first: by the start of the first run that found the case. */
  | 'OLDEST';

/** Where a reconciliation case is in its handling (docs/reconciliation.md, Cases). */
export type ReconciliationCaseStatus =
  /** An officer checked it: the records really disagree. */
  | 'CONFIRMED'
  /** Not a defect to act on (with the reason in the history). */
  | 'DISMISSED'
  /** Found by a run; nobody has looked at it yet. */
  | 'OPEN'
  /** Fixed (or no longer found by a later run). */
  | 'RESOLVED';

export type ReconciliationRunStatus =
  | 'CANCELLED'
  | 'DONE'
  | 'FAILED'
  | 'RUNNING';

/** Which record a value comes from. */
export type ReconciliationSide =
  /** The population's record (the reference). */
  | 'POPULATION'
  /** The record of the source the case is about. */
  | 'SOURCE';

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
  /** HEALTH_INSURANCE: the card's form (PAPER, ELECTRONIC). */
  | 'HEALTH_INSURANCE_FORM'
  /** HEALTH_INSURANCE: when the card was issued. */
  | 'HEALTH_INSURANCE_ISSUED_ON'
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
  /** HEALTH_RECORD: treatment episodes. */
  | 'HEALTH_RECORD_TREATMENT_EPISODES'
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
  /** SOCIAL_INSURANCE: the book's older 10-digit number. */
  | 'SOCIAL_INSURANCE_LEGACY_NUMBER'
  /** SOCIAL_INSURANCE: social-insurance number. */
  | 'SOCIAL_INSURANCE_NUMBER'
  /** SOCIAL_INSURANCE: which kind the social-insurance number is (PERSONAL_ID, LEGACY). */
  | 'SOCIAL_INSURANCE_NUMBER_KIND'
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

/** Which kind of number a social-insurance number is. */
export type SocialInsuranceNumberKind =
  /** The older 10-digit social-insurance number (books opened before 1 August 2025, not converted). */
  | 'LEGACY'
  /** The 12-digit personal ID: books opened since 1 August 2025, and older books converted since. */
  | 'PERSONAL_ID';

/** The kind of a treatment episode. */
export type TreatmentEpisodeKind =
  /** Day care (điều trị nội trú ban ngày). */
  | 'DAY_CARE'
  /** Inpatient stay (điều trị nội trú). */
  | 'INPATIENT'
  /** Outpatient course of treatment (điều trị ngoại trú). */
  | 'OUTPATIENT';

/** How a treatment episode ended. */
export type TreatmentOutcome =
  /** Died (tử vong). */
  | 'DIED'
  /** Improved (đỡ, giảm). */
  | 'IMPROVED'
  /** Recovered (khỏi). */
  | 'RECOVERED'
  /** Transferred to another facility (chuyển viện). */
  | 'TRANSFERRED'
  /** Unchanged (không thay đổi). */
  | 'UNCHANGED'
  /** Worse (nặng hơn). */
  | 'WORSE';

/** Whether the population database records the citizen as alive. */
export type VitalStatus =
  | 'ALIVE'
  | 'DECEASED';

/** Door-to-door and approval work lists. */
export type WorkList =
  /** Approved, not activated (including those whose 7-day window closed). */
  | 'APPROVED_NOT_ACTIVATED'
  /** People of the area with no account: citizens aged 14+ (another eligible group with `group`). */
  | 'NOT_REGISTERED'
  /** Registrations and upgrades awaiting approval (with deadlines). */
  | 'PENDING_APPROVAL';

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


export type MyPapersQuery = { me: { personalId: string | null, fullName: string | null, dateOfBirth: string | null, sex: Sex | null, ethnicity: string | null, nationality: string | null, vitalStatus: VitalStatus | null, provenance: { source: DataSource, updatedAtSource: string | null } | null, identityCard: { kind: IdentityDocumentKind | null, number: string | null, issuedOn: string | null, expiresOn: string | null, issuedBy: string | null, expired: boolean | null, history: Array<{ kind: IdentityDocumentKind | null, number: string | null, issuedOn: string | null, expiresOn: string | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, residence: { registeredOn: string | null, permanentAddress: { formatted: string | null, legacy: boolean }, currentAddress: { formatted: string | null, legacy: boolean } | null, placeOfOrigin: { formatted: string | null } | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, household: { householdNumber: string | null, relationshipToHead: string | null, members: Array<{ fullName: string | null, relationshipToHead: string | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, family: { father: { fullName: string | null } | null, mother: { fullName: string | null } | null, spouse: { fullName: string | null } | null, dependants: Array<{ fullName: string | null, dateOfBirth: string | null, relationship: DependantRelationship | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, drivingLicence: { number: string | null, issuedBy: string | null, issuedOn: string | null, status: DrivingLicenceStatus | null, points: number | null, classes: Array<{ code: string | null, issuedOn: string | null, expiresOn: string | null, expired: boolean | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, healthInsurance: { cardNumber: string | null, benefitLevel: number | null, validFrom: string | null, validTo: string | null, valid: boolean | null, fiveYearsContinuousFrom: string | null, issuedOn: string | null, form: HealthInsuranceCardForm | null, primaryCareFacility: { code: string | null, name: string | null } | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, socialInsurance: { socialInsuranceNumber: string | null, socialInsuranceNumberKind: SocialInsuranceNumberKind | null, legacySocialInsuranceNumber: string | null, totalMonths: number | null, contributionPeriods: Array<{ from: string | null, to: string | null, employer: string | null, scheme: ContributionScheme | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, healthRecord: { bloodType: string | null, allergies: Array<string> | null, chronicConditions: Array<{ icd10: string | null, name: string | null, since: string | null }> | null, visits: Array<{ date: string | null, facility: { name: string | null } | null, diagnoses: Array<{ icd10: string | null, name: string | null }> | null }> | null, vaccinations: Array<{ vaccine: string | null, date: string | null, dose: number | null }> | null, treatmentEpisodes: Array<{ kind: TreatmentEpisodeKind | null, start: string | null, end: string | null, outcome: TreatmentOutcome | null, facility: { name: string | null } | null, diagnoses: Array<{ icd10: string | null, name: string | null }> | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null } | null };

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

export type WbFlowsFragment = { approved: number, activationRate: number | null, collected: { level1: number, level2: number, total: number }, activated: { level1: number, level2: number, total: number } };

export type WbReportQueryVariables = Exact<{
  area: string;
  from: string;
  to: string;
}>;


export type WbReportQuery = { accountReport: { from: string, to: string, withoutActivatedAccount: number | null, approvalsOverdue: number, area: { code: string, name: string, kind: AreaKind }, period: { approved: number, activationRate: number | null, collected: { level1: number, level2: number, total: number }, activated: { level1: number, level2: number, total: number } }, cumulative: { approved: number, activationRate: number | null, collected: { level1: number, level2: number, total: number }, activated: { level1: number, level2: number, total: number } }, atEnd: { pendingApproval: number, approvedNotActivated: number, accounts: { level1: number, level2: number, total: number } }, population: { eligible14: number, notRegistered: number, asOf: string } | null, targets: { collectedPerDay: number | null, activatedPerDay: number | null } | null, daily: Array<{ date: string, collected: number, activated: number, collectedTarget: number | null, activatedTarget: number | null }>, communes: Array<{ area: { code: string, name: string }, cumulative: { activationRate: number | null, collected: { total: number }, activated: { total: number } } }> } };

export type WbWorkListQueryVariables = Exact<{
  list: WorkList;
  area: string;
  search?: string | null | undefined;
  overdueOnly?: boolean | null | undefined;
  group?: AccountGroup | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type WbWorkListQuery = { accountWorkList: { totalCount: number, searchTruncated: boolean, pageInfo: { endCursor: string | null, hasNextPage: boolean }, nodes: Array<{ personalId: string, fullName: string | null, address: string | null, phone: string | null, accountStatus: AccountStatus | null, since: string | null, overdue: boolean, groups: Array<AccountGroup>, commune: { code: string, name: string } }> } };

export type WbApproveMutationVariables = Exact<{
  personalId: string;
}>;


export type WbApproveMutation = { accountApprove: { account: { personalId: string, status: AccountStatus } | null, userErrors: Array<{ code: AccountErrorCode, message: string }> } };

export type WbRejectMutationVariables = Exact<{
  personalId: string;
  reason: string;
}>;


export type WbRejectMutation = { accountReject: { account: { personalId: string, status: AccountStatus } | null, userErrors: Array<{ code: AccountErrorCode, message: string }> } };

export type WbCommunesQueryVariables = Exact<{
  province: string;
}>;


export type WbCommunesQuery = { areaCommunes: Array<{ code: string, name: string }> };

export type WbRunFragment = { id: string, status: ReconciliationRunStatus, phase: string, findings: number, startedBy: string, createdAt: string, finishedAt: string | null, error: string | null, area: { code: string, name: string }, progress: { processed: number, total: number, ratePerS: number, etaS: number | null }, counts: Array<{ kind: DefectKind, count: number }> };

export type WbRunsQueryVariables = Exact<{
  area: string;
  first: number;
  after?: string | null | undefined;
}>;


export type WbRunsQuery = { reconciliationRuns: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, nodes: Array<{ id: string, status: ReconciliationRunStatus, phase: string, findings: number, startedBy: string, createdAt: string, finishedAt: string | null, error: string | null, area: { code: string, name: string }, progress: { processed: number, total: number, ratePerS: number, etaS: number | null }, counts: Array<{ kind: DefectKind, count: number }> }> } };

export type WbRunQueryVariables = Exact<{
  id: string | number;
}>;


export type WbRunQuery = { reconciliationRun: { id: string, status: ReconciliationRunStatus, phase: string, findings: number, startedBy: string, createdAt: string, finishedAt: string | null, error: string | null, area: { code: string, name: string }, progress: { processed: number, total: number, ratePerS: number, etaS: number | null }, counts: Array<{ kind: DefectKind, count: number }> } | null };

export type WbRunStartMutationVariables = Exact<{
  area: string;
}>;


export type WbRunStartMutation = { reconciliationRunStart: { id: string, status: ReconciliationRunStatus, phase: string, findings: number, startedBy: string, createdAt: string, finishedAt: string | null, error: string | null, area: { code: string, name: string }, progress: { processed: number, total: number, ratePerS: number, etaS: number | null }, counts: Array<{ kind: DefectKind, count: number }> } };

export type WbRunCancelMutationVariables = Exact<{
  id: string | number;
}>;


export type WbRunCancelMutation = { reconciliationRunCancel: { id: string, status: ReconciliationRunStatus, phase: string, findings: number, startedBy: string, createdAt: string, finishedAt: string | null, error: string | null, area: { code: string, name: string }, progress: { processed: number, total: number, ratePerS: number, etaS: number | null }, counts: Array<{ kind: DefectKind, count: number }> } | null };

export type WbCasesQueryVariables = Exact<{
  area: string;
  kind?: DefectKind | null | undefined;
  source?: DataSource | null | undefined;
  status?: Array<ReconciliationCaseStatus> | ReconciliationCaseStatus | null | undefined;
  assignee?: string | null | undefined;
  before?: string | null | undefined;
  order?: ReconciliationCaseOrder | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type WbCasesQuery = { reconciliationCases: { totalCount: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, nodes: Array<{ id: string, kind: DefectKind, source: DataSource, personalId: string | null, field: IdentityField | null, correctionField: string | null, status: ReconciliationCaseStatus, assignee: string | null, firstSeenAt: string, dueAt: string | null, overdue: boolean | null, area: { code: string, name: string } | null }> } };

export type WbSummaryQueryVariables = Exact<{
  area: string;
}>;


export type WbSummaryQuery = { reconciliationSummary: { asOf: string | null, complete: boolean, sources: Array<{ source: DataSource, records: number, recordsWithFindings: number, cleanShare: number | null, openCases: Array<{ kind: DefectKind, count: number }> }>, cases: Array<{ status: ReconciliationCaseStatus, count: number }> } };

export type WbCleanlinessQueryVariables = Exact<{
  area: string;
}>;


export type WbCleanlinessQuery = { reconciliationCleanliness: Array<{ at: string, runId: string, sources: Array<{ source: DataSource, records: number, recordsWithFindings: number, cleanShare: number | null }> }> };

export type WbCaseDetailFragment = { id: string, kind: DefectKind, source: DataSource, recordKey: string, personalId: string | null, field: IdentityField | null, sourceField: string | null, correctionField: string | null, dueAt: string | null, overdue: boolean | null, variant: NameVariant | null, sourceValue: string | null, populationValue: string | null, status: ReconciliationCaseStatus, assignee: string | null, firstSeenAt: string, lastSeenAt: string, area: { code: string, name: string } | null, comparison: { field: IdentityField, formOnly: boolean, population: { side: ReconciliationSide, source: DataSource, raw: string | null, normalised: string | null, key: string | null }, source: { side: ReconciliationSide, source: DataSource, raw: string | null, normalised: string | null, key: string | null } } | null, notes: Array<{ at: string, by: string, text: string }>, history: Array<{ at: string, by: string, event: ReconciliationCaseEvent, from: ReconciliationCaseStatus, to: ReconciliationCaseStatus, assignee: string | null, note: string | null }> };

export type WbCaseQueryVariables = Exact<{
  id: string | number;
}>;


export type WbCaseQuery = { reconciliationCase: { id: string, kind: DefectKind, source: DataSource, recordKey: string, personalId: string | null, field: IdentityField | null, sourceField: string | null, correctionField: string | null, dueAt: string | null, overdue: boolean | null, variant: NameVariant | null, sourceValue: string | null, populationValue: string | null, status: ReconciliationCaseStatus, assignee: string | null, firstSeenAt: string, lastSeenAt: string, area: { code: string, name: string } | null, comparison: { field: IdentityField, formOnly: boolean, population: { side: ReconciliationSide, source: DataSource, raw: string | null, normalised: string | null, key: string | null }, source: { side: ReconciliationSide, source: DataSource, raw: string | null, normalised: string | null, key: string | null } } | null, notes: Array<{ at: string, by: string, text: string }>, history: Array<{ at: string, by: string, event: ReconciliationCaseEvent, from: ReconciliationCaseStatus, to: ReconciliationCaseStatus, assignee: string | null, note: string | null }> } | null };

export type WbCasePayloadFragment = { case: { id: string, status: ReconciliationCaseStatus, assignee: string | null } | null, userErrors: Array<{ code: ReconciliationCaseErrorCode, message: string, status: ReconciliationCaseStatus | null, allowed: Array<ReconciliationCaseEvent> | null }> };

export type WbCaseConfirmMutationVariables = Exact<{
  id: string | number;
  note?: string | null | undefined;
}>;


export type WbCaseConfirmMutation = { reconciliationCaseConfirm: { case: { id: string, status: ReconciliationCaseStatus, assignee: string | null } | null, userErrors: Array<{ code: ReconciliationCaseErrorCode, message: string, status: ReconciliationCaseStatus | null, allowed: Array<ReconciliationCaseEvent> | null }> } };

export type WbCaseResolveMutationVariables = Exact<{
  id: string | number;
  note?: string | null | undefined;
}>;


export type WbCaseResolveMutation = { reconciliationCaseResolve: { case: { id: string, status: ReconciliationCaseStatus, assignee: string | null } | null, userErrors: Array<{ code: ReconciliationCaseErrorCode, message: string, status: ReconciliationCaseStatus | null, allowed: Array<ReconciliationCaseEvent> | null }> } };

export type WbCaseDismissMutationVariables = Exact<{
  id: string | number;
  reason: string;
}>;


export type WbCaseDismissMutation = { reconciliationCaseDismiss: { case: { id: string, status: ReconciliationCaseStatus, assignee: string | null } | null, userErrors: Array<{ code: ReconciliationCaseErrorCode, message: string, status: ReconciliationCaseStatus | null, allowed: Array<ReconciliationCaseEvent> | null }> } };

export type WbCaseReopenMutationVariables = Exact<{
  id: string | number;
  note?: string | null | undefined;
}>;


export type WbCaseReopenMutation = { reconciliationCaseReopen: { case: { id: string, status: ReconciliationCaseStatus, assignee: string | null } | null, userErrors: Array<{ code: ReconciliationCaseErrorCode, message: string, status: ReconciliationCaseStatus | null, allowed: Array<ReconciliationCaseEvent> | null }> } };

export type WbCaseAssignMutationVariables = Exact<{
  id: string | number;
  assignee?: string | null | undefined;
  note?: string | null | undefined;
}>;


export type WbCaseAssignMutation = { reconciliationCaseAssign: { case: { id: string, status: ReconciliationCaseStatus, assignee: string | null } | null, userErrors: Array<{ code: ReconciliationCaseErrorCode, message: string, status: ReconciliationCaseStatus | null, allowed: Array<ReconciliationCaseEvent> | null }> } };

export type WbCaseNoteMutationVariables = Exact<{
  id: string | number;
  text: string;
}>;


export type WbCaseNoteMutation = { reconciliationCaseNote: { case: { id: string, status: ReconciliationCaseStatus, assignee: string | null } | null, userErrors: Array<{ code: ReconciliationCaseErrorCode, message: string, status: ReconciliationCaseStatus | null, allowed: Array<ReconciliationCaseEvent> | null }> } };

export type WbCasesCloseFormatOnlyMutationVariables = Exact<{
  ids: Array<string | number> | string | number;
  note: string;
  how?: ReconciliationBulkClose | null | undefined;
}>;


export type WbCasesCloseFormatOnlyMutation = { reconciliationCasesCloseFormatOnly: { closed: number, refused: number, results: Array<{ id: string, case: { id: string, status: ReconciliationCaseStatus } | null, userErrors: Array<{ code: ReconciliationCaseErrorCode, message: string, status: ReconciliationCaseStatus | null, allowed: Array<ReconciliationCaseEvent> | null }> }> } };

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
export const WbFlowsFragmentDoc = new TypedDocumentString(`
    fragment WbFlows on AccountFlows {
  collected {
    level1
    level2
    total
  }
  approved
  activated {
    level1
    level2
    total
  }
  activationRate
}
    `, {"fragmentName":"WbFlows"}) as unknown as TypedDocumentString<WbFlowsFragment, unknown>;
export const WbRunFragmentDoc = new TypedDocumentString(`
    fragment WbRun on ReconciliationRun {
  id
  status
  phase
  area {
    code
    name
  }
  progress {
    processed
    total
    ratePerS
    etaS
  }
  findings
  counts {
    kind
    count
  }
  startedBy
  createdAt
  finishedAt
  error
}
    `, {"fragmentName":"WbRun"}) as unknown as TypedDocumentString<WbRunFragment, unknown>;
export const WbCaseDetailFragmentDoc = new TypedDocumentString(`
    fragment WbCaseDetail on ReconciliationCase {
  id
  kind
  source
  recordKey
  personalId
  area {
    code
    name
  }
  field
  sourceField
  correctionField
  dueAt
  overdue
  variant
  sourceValue
  populationValue
  comparison {
    field
    formOnly
    population {
      side
      source
      raw
      normalised
      key
    }
    source {
      side
      source
      raw
      normalised
      key
    }
  }
  status
  assignee
  firstSeenAt
  lastSeenAt
  notes {
    at
    by
    text
  }
  history {
    at
    by
    event
    from
    to
    assignee
    note
  }
}
    `, {"fragmentName":"WbCaseDetail"}) as unknown as TypedDocumentString<WbCaseDetailFragment, unknown>;
export const WbCasePayloadFragmentDoc = new TypedDocumentString(`
    fragment WbCasePayload on ReconciliationCasePayload {
  case {
    id
    status
    assignee
  }
  userErrors {
    code
    message
    status
    allowed
  }
}
    `, {"fragmentName":"WbCasePayload"}) as unknown as TypedDocumentString<WbCasePayloadFragment, unknown>;
export const MyAccessLogDocument = {"__meta__":{"hash":"sha256:d8daaa6256556e5c4f21bfb23772ed56a4c4d53915f128745384386df8da2d4e"}} as unknown as TypedDocumentString<MyAccessLogQuery, MyAccessLogQueryVariables>;
export const MyConsentsDocument = {"__meta__":{"hash":"sha256:65217e3cbc74ba2debae6236e358caf4ca9bcf3273e17453aa2d7a4d046ddf3a"}} as unknown as TypedDocumentString<MyConsentsQuery, MyConsentsQueryVariables>;
export const ConsentGrantDocument = {"__meta__":{"hash":"sha256:76737d0cf07fec1d5828adbf01a9738da3b88826faf3f625624716c68343af32"}} as unknown as TypedDocumentString<ConsentGrantMutation, ConsentGrantMutationVariables>;
export const ConsentRevokeDocument = {"__meta__":{"hash":"sha256:56b295b24864d5d726d816ec5882aad8908f4d95c35c9576593e2095b1afd4d7"}} as unknown as TypedDocumentString<ConsentRevokeMutation, ConsentRevokeMutationVariables>;
export const RegisteredClientsDocument = {"__meta__":{"hash":"sha256:0ee72f5304c1541ad726f6befa35b56887fcd01efe1aad756e51cb1f042669ae"}} as unknown as TypedDocumentString<RegisteredClientsQuery, RegisteredClientsQueryVariables>;
export const MyPapersDocument = {"__meta__":{"hash":"sha256:467a9257d6274251eda56c6f31ad0ebe296cbf162ea363df67773ac313c98539"}} as unknown as TypedDocumentString<MyPapersQuery, MyPapersQueryVariables>;
export const MeDocument = {"__meta__":{"hash":"sha256:f67ef94381f71d38b4d7d9185abd9dcdc8e7cd04490fa2f290d8fd0b36651bea"}} as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const CorrectionRequestDocument = {"__meta__":{"hash":"sha256:9dfe87358b8affb89e98c97f22702e56e44980b83f2f8ff449d16fbfc89974b7"}} as unknown as TypedDocumentString<CorrectionRequestMutation, CorrectionRequestMutationVariables>;
export const MyRequestsDocument = {"__meta__":{"hash":"sha256:5001de396b98691ab873b3ddc6d9e45f5c0195816a32f4f7caeb9ee2c196567a"}} as unknown as TypedDocumentString<MyRequestsQuery, MyRequestsQueryVariables>;
export const MyAccountLevelDocument = {"__meta__":{"hash":"sha256:5dfa474ecfedd9f43af11bb7c87b2b54ffb48fecd59467d8d88ca7548bf0dddc"}} as unknown as TypedDocumentString<MyAccountLevelQuery, MyAccountLevelQueryVariables>;
export const ShareCreateDocument = {"__meta__":{"hash":"sha256:574bf44b73c51c311c146d03a3b0e13a30a747a1600a7f00b5b8c7b161d6d554"}} as unknown as TypedDocumentString<ShareCreateMutation, ShareCreateMutationVariables>;
export const ShareRedeemDocument = {"__meta__":{"hash":"sha256:f1cc03a0786172f4a7b236f7ea3024ef815d48ccedede36b82fbeaa981dd7214"}} as unknown as TypedDocumentString<ShareRedeemMutation, ShareRedeemMutationVariables>;
export const WbReportDocument = {"__meta__":{"hash":"sha256:3161bcd6b58a2c9ecc55d4624fffdd82c6ca08a5fdd1c4763f06d2f7305fbb7c"}} as unknown as TypedDocumentString<WbReportQuery, WbReportQueryVariables>;
export const WbWorkListDocument = {"__meta__":{"hash":"sha256:0191065369c36791c5c35fbd8e650d79d1afe24b028e35a55080ee9b1e957585"}} as unknown as TypedDocumentString<WbWorkListQuery, WbWorkListQueryVariables>;
export const WbApproveDocument = {"__meta__":{"hash":"sha256:6da55c3f84fea14c16162f5ad135a5d1ede6112d67526048fea81be0d5c3d9a5"}} as unknown as TypedDocumentString<WbApproveMutation, WbApproveMutationVariables>;
export const WbRejectDocument = {"__meta__":{"hash":"sha256:b3358dce28c508b0e41754576dabcd5632b0af8a386826bd75dd598b4c856e33"}} as unknown as TypedDocumentString<WbRejectMutation, WbRejectMutationVariables>;
export const WbCommunesDocument = {"__meta__":{"hash":"sha256:b36afb131ee6a1e19188dddf5ddc2a7c043199839a760bed1f7b693ab07efb7e"}} as unknown as TypedDocumentString<WbCommunesQuery, WbCommunesQueryVariables>;
export const WbRunsDocument = {"__meta__":{"hash":"sha256:486ca1c22efffec68177066a5a515dc04a0a2c2442c418ec5ebba4ba26ba6bcd"}} as unknown as TypedDocumentString<WbRunsQuery, WbRunsQueryVariables>;
export const WbRunDocument = {"__meta__":{"hash":"sha256:30c0d88385d758411f71b2d08854019552f1c7e7fe52f4b2abca5d4d909ef329"}} as unknown as TypedDocumentString<WbRunQuery, WbRunQueryVariables>;
export const WbRunStartDocument = {"__meta__":{"hash":"sha256:d9efb02211027817c881773ba08703c80f77f19f416b279ad9393871f6cef172"}} as unknown as TypedDocumentString<WbRunStartMutation, WbRunStartMutationVariables>;
export const WbRunCancelDocument = {"__meta__":{"hash":"sha256:efef5441f5a3bb209b6f0cdbcc44900b5cbd9222d0ae6befdad3cd0ab18d3aad"}} as unknown as TypedDocumentString<WbRunCancelMutation, WbRunCancelMutationVariables>;
export const WbCasesDocument = {"__meta__":{"hash":"sha256:5fc2806782c3e471494ea1cefbd4adcad212f98c65b72adf90a2c622de70d789"}} as unknown as TypedDocumentString<WbCasesQuery, WbCasesQueryVariables>;
export const WbSummaryDocument = {"__meta__":{"hash":"sha256:7735120923d8fe0efb640260f6236cb8e16b8918fec002e82715e6e7ebc60841"}} as unknown as TypedDocumentString<WbSummaryQuery, WbSummaryQueryVariables>;
export const WbCleanlinessDocument = {"__meta__":{"hash":"sha256:4ac5c277bfd1df24045a63007e46526ca9fe4e6e365a485f8e28221bc41d01da"}} as unknown as TypedDocumentString<WbCleanlinessQuery, WbCleanlinessQueryVariables>;
export const WbCaseDocument = {"__meta__":{"hash":"sha256:e2f17ede5b16e2788482e61ca70a97a5ffb1ee9f8accbce4d074d725572e2176"}} as unknown as TypedDocumentString<WbCaseQuery, WbCaseQueryVariables>;
export const WbCaseConfirmDocument = {"__meta__":{"hash":"sha256:4081d7e88d8fb0639e4efe22370405ccce738970e58b8a012d7625ed7699cde7"}} as unknown as TypedDocumentString<WbCaseConfirmMutation, WbCaseConfirmMutationVariables>;
export const WbCaseResolveDocument = {"__meta__":{"hash":"sha256:afd4e97cf4f9b5852938f6b14add1d1cf74b2ce62172130da02385b9a4d5fb5f"}} as unknown as TypedDocumentString<WbCaseResolveMutation, WbCaseResolveMutationVariables>;
export const WbCaseDismissDocument = {"__meta__":{"hash":"sha256:9df761b7d879be92e3365c8d43502b61171872fdbf8dd85e6550097fd12219fb"}} as unknown as TypedDocumentString<WbCaseDismissMutation, WbCaseDismissMutationVariables>;
export const WbCaseReopenDocument = {"__meta__":{"hash":"sha256:638918cb446e8713e1ebde3728110a8de1745305ca1af21a716d32f42ac00ebc"}} as unknown as TypedDocumentString<WbCaseReopenMutation, WbCaseReopenMutationVariables>;
export const WbCaseAssignDocument = {"__meta__":{"hash":"sha256:aecdc3b55f52f961ca98a4faa693178c45c084cd67b6abb5863489187e44772a"}} as unknown as TypedDocumentString<WbCaseAssignMutation, WbCaseAssignMutationVariables>;
export const WbCaseNoteDocument = {"__meta__":{"hash":"sha256:a5ee56059ce379d25131e68cf20b4514dc85934e5a5df9366e5e9a24553e664e"}} as unknown as TypedDocumentString<WbCaseNoteMutation, WbCaseNoteMutationVariables>;
export const WbCasesCloseFormatOnlyDocument = {"__meta__":{"hash":"sha256:b2d2a8de5b899577b758e053a65bb7c70f5ea38f56cd4b1e7d0e6cfbfc0de119"}} as unknown as TypedDocumentString<WbCasesCloseFormatOnlyMutation, WbCasesCloseFormatOnlyMutationVariables>;