/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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


export type MyAccessLogQuery = { myAccessLog: { hasNextPage: boolean, endCursor: string | null, entries: Array<{ at: string, readerKind: ReaderKind, clientName: string | null, officerUnit: string | null, purpose: string | null, dossierRef: string | null, documents: Array<DocumentScope> }> } };

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

export type MyPapersQueryVariables = Exact<{
  id: string;
}>;


export type MyPapersQuery = { citizen: { personalId: string | null, fullName: string | null, dateOfBirth: string | null, sex: Sex | null, ethnicity: string | null, nationality: string | null, vitalStatus: VitalStatus | null, provenance: { source: DataSource, updatedAtSource: string | null } | null, identityCard: { kind: IdentityDocumentKind | null, number: string | null, issuedOn: string | null, expiresOn: string | null, issuedBy: string | null, expired: boolean | null, history: Array<{ kind: IdentityDocumentKind | null, number: string | null, issuedOn: string | null, expiresOn: string | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, residence: { registeredOn: string | null, permanentAddress: { formatted: string | null, legacy: boolean }, currentAddress: { formatted: string | null, legacy: boolean } | null, placeOfOrigin: { formatted: string | null } | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, household: { householdNumber: string | null, relationshipToHead: string | null, members: Array<{ fullName: string | null, relationshipToHead: string | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, family: { father: { fullName: string | null } | null, mother: { fullName: string | null } | null, spouse: { fullName: string | null } | null, dependants: Array<{ fullName: string | null, dateOfBirth: string | null, relationship: DependantRelationship | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, drivingLicence: { number: string | null, issuedBy: string | null, issuedOn: string | null, status: DrivingLicenceStatus | null, points: number | null, classes: Array<{ code: string | null, issuedOn: string | null, expiresOn: string | null, expired: boolean | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, healthInsurance: { cardNumber: string | null, benefitLevel: number | null, validFrom: string | null, validTo: string | null, valid: boolean | null, fiveYearsContinuousFrom: string | null, primaryCareFacility: { code: string | null, name: string | null } | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, socialInsurance: { socialInsuranceNumber: string | null, totalMonths: number | null, contributionPeriods: Array<{ from: string | null, to: string | null, employer: string | null, scheme: ContributionScheme | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null, healthRecord: { bloodType: string | null, allergies: Array<string> | null, chronicConditions: Array<{ icd10: string | null, name: string | null, since: string | null }> | null, visits: Array<{ date: string | null, facility: { name: string | null } | null, diagnoses: Array<{ icd10: string | null, name: string | null }> | null }> | null, vaccinations: Array<{ vaccine: string | null, date: string | null, dose: number | null }> | null, provenance: { source: DataSource, updatedAtSource: string | null } } | null } | null };

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
export const MyAccessLogDocument = new TypedDocumentString(`
    query MyAccessLog($first: Int!, $after: String, $documents: [DocumentScope!], $from: DateTime, $to: DateTime) {
  myAccessLog(
    first: $first
    after: $after
    documents: $documents
    from: $from
    to: $to
  ) {
    entries {
      at
      readerKind
      clientName
      officerUnit
      purpose
      dossierRef
      documents
    }
    hasNextPage
    endCursor
  }
}
    `, {"hash":"sha256:e82f896096ac0ce55b8d5533b8202a26558845c99c03673e8c76c782b757f4f7"}) as unknown as TypedDocumentString<MyAccessLogQuery, MyAccessLogQueryVariables>;
export const MyConsentsDocument = new TypedDocumentString(`
    query MyConsents($first: Int!, $after: String) {
  myConsents(first: $first, after: $after) {
    ...ConsentItem
  }
}
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
}`, {"hash":"sha256:65217e3cbc74ba2debae6236e358caf4ca9bcf3273e17453aa2d7a4d046ddf3a"}) as unknown as TypedDocumentString<MyConsentsQuery, MyConsentsQueryVariables>;
export const ConsentGrantDocument = new TypedDocumentString(`
    mutation ConsentGrant($input: ConsentGrantInput!) {
  consentGrant(input: $input) {
    consent {
      ...ConsentItem
    }
    userErrors {
      code
      message
      field
    }
  }
}
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
}`, {"hash":"sha256:76737d0cf07fec1d5828adbf01a9738da3b88826faf3f625624716c68343af32"}) as unknown as TypedDocumentString<ConsentGrantMutation, ConsentGrantMutationVariables>;
export const ConsentRevokeDocument = new TypedDocumentString(`
    mutation ConsentRevoke($id: ID!) {
  consentRevoke(id: $id) {
    consent {
      ...ConsentItem
    }
    userErrors {
      code
      message
    }
  }
}
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
}`, {"hash":"sha256:56b295b24864d5d726d816ec5882aad8908f4d95c35c9576593e2095b1afd4d7"}) as unknown as TypedDocumentString<ConsentRevokeMutation, ConsentRevokeMutationVariables>;
export const RegisteredClientsDocument = new TypedDocumentString(`
    query RegisteredClients {
  registeredClients(first: 100) {
    id
    name
    kind
    scopes
    purposes {
      code
      name
    }
  }
}
    `, {"hash":"sha256:0ee72f5304c1541ad726f6befa35b56887fcd01efe1aad756e51cb1f042669ae"}) as unknown as TypedDocumentString<RegisteredClientsQuery, RegisteredClientsQueryVariables>;
export const MyPapersDocument = new TypedDocumentString(`
    query MyPapers($id: PersonalId!) {
  citizen(personalId: $id) {
    personalId
    fullName
    dateOfBirth
    sex
    ethnicity
    nationality
    vitalStatus
    provenance {
      ...Source
    }
    identityCard {
      kind
      number
      issuedOn
      expiresOn
      issuedBy
      expired
      history {
        kind
        number
        issuedOn
        expiresOn
      }
      provenance {
        ...Source
      }
    }
    residence {
      permanentAddress {
        formatted
        legacy
      }
      registeredOn
      currentAddress {
        formatted
        legacy
      }
      placeOfOrigin {
        formatted
      }
      provenance {
        ...Source
      }
    }
    household {
      householdNumber
      relationshipToHead
      members {
        fullName
        relationshipToHead
      }
      provenance {
        ...Source
      }
    }
    family {
      father {
        fullName
      }
      mother {
        fullName
      }
      spouse {
        fullName
      }
      dependants {
        fullName
        dateOfBirth
        relationship
      }
      provenance {
        ...Source
      }
    }
    drivingLicence {
      number
      issuedBy
      issuedOn
      status
      points
      classes {
        code
        issuedOn
        expiresOn
        expired
      }
      provenance {
        ...Source
      }
    }
    healthInsurance {
      cardNumber
      benefitLevel
      validFrom
      validTo
      valid
      primaryCareFacility {
        code
        name
      }
      fiveYearsContinuousFrom
      provenance {
        ...Source
      }
    }
    socialInsurance {
      socialInsuranceNumber
      totalMonths
      contributionPeriods {
        from
        to
        employer
        scheme
      }
      provenance {
        ...Source
      }
    }
    healthRecord {
      bloodType
      allergies
      chronicConditions {
        icd10
        name
        since
      }
      visits {
        date
        facility {
          name
        }
        diagnoses {
          icd10
          name
        }
      }
      vaccinations {
        vaccine
        date
        dose
      }
      provenance {
        ...Source
      }
    }
  }
}
    fragment Source on Provenance {
  source
  updatedAtSource
}`, {"hash":"sha256:8833daa0138798e72baeb0834a15730a0b9c9eb2d511fcdf95b90846c3569b2d"}) as unknown as TypedDocumentString<MyPapersQuery, MyPapersQueryVariables>;