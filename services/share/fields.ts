import type { CitizenRecord } from '../../connectors/population/connector';
import type { DrivingLicenceClassRecord } from '../../connectors/driving-licence/connector';
import type { Loaders } from '../../connectors/registry';
import type { SourceName } from '../../connectors/sources';
import { todayInVietnam } from '../../lib/dates';
import type { DocumentScope } from '../access/auth/principal';

/**
 * What a citizen can share by QR code: the papers, and the fields of each (GraphQL `ShareField`).
 * A field's value is the one its paper's GraphQL field shows (computed fields included: `expired`,
 * `valid`), as plain JSON. FAMILY is not shareable: it names other people (household members,
 * parents, children), whose data is theirs to share.
 */

/** The papers that can be shared. */
export const SHAREABLE_PAPERS = [
  'IDENTITY',
  'IDENTITY_CARD',
  'RESIDENCE',
  'DRIVING_LICENCE',
  'HEALTH_INSURANCE',
  'SOCIAL_INSURANCE',
  'HEALTH_RECORD',
] as const satisfies readonly DocumentScope[];
export type SharePaper = (typeof SHAREABLE_PAPERS)[number];

export function isShareablePaper(p: string): p is SharePaper {
  return (SHAREABLE_PAPERS as readonly string[]).includes(p);
}

/** The paper's object in the SD-JWT (its GraphQL field on `Citizen`; IDENTITY's fields are on `Citizen` itself). */
export const PAPER_CLAIM: Record<SharePaper, string> = {
  IDENTITY: 'identity',
  IDENTITY_CARD: 'identityCard',
  RESIDENCE: 'residence',
  DRIVING_LICENCE: 'drivingLicence',
  HEALTH_INSURANCE: 'healthInsurance',
  SOCIAL_INSURANCE: 'socialInsurance',
  HEALTH_RECORD: 'healthRecord',
};

/** The source each paper is read from. */
const PAPER_SOURCE: Record<SharePaper, SourceName> = {
  IDENTITY: 'population',
  IDENTITY_CARD: 'population',
  RESIDENCE: 'population',
  DRIVING_LICENCE: 'drivingLicence',
  HEALTH_INSURANCE: 'healthInsurance',
  SOCIAL_INSURANCE: 'socialInsurance',
  HEALTH_RECORD: 'healthRecord',
};

type Doc = Record<string, unknown>;
/** A computed field: its value from the paper's document and today's date (Vietnam). */
type Compute = (doc: Doc, today: string) => unknown;

interface FieldSpec {
  paper: SharePaper;
  /** The claim in the paper's object: the GraphQL field's name. */
  claim: string;
  compute?: Compute;
}

const expiredBy = (expiresOn: unknown, today: string) => typeof expiresOn === 'string' && expiresOn < today;

const f = (paper: SharePaper, claim: string, compute?: Compute): FieldSpec => ({
  paper,
  claim,
  ...(compute ? { compute } : {}),
});

/** Every shareable field (GraphQL `ShareField`, in its order). */
export const SHARE_FIELDS = {
  PERSONAL_ID: f('IDENTITY', 'personalId'),
  FULL_NAME: f('IDENTITY', 'fullName'),
  DATE_OF_BIRTH: f('IDENTITY', 'dateOfBirth'),
  SEX: f('IDENTITY', 'sex'),
  ETHNICITY: f('IDENTITY', 'ethnicity'),
  NATIONALITY: f('IDENTITY', 'nationality'),
  VITAL_STATUS: f('IDENTITY', 'vitalStatus'),
  DATE_OF_DEATH: f('IDENTITY', 'dateOfDeath'),
  IDENTITY_CARD_KIND: f('IDENTITY_CARD', 'kind'),
  IDENTITY_CARD_NUMBER: f('IDENTITY_CARD', 'number'),
  IDENTITY_CARD_ISSUED_ON: f('IDENTITY_CARD', 'issuedOn'),
  IDENTITY_CARD_EXPIRES_ON: f('IDENTITY_CARD', 'expiresOn'),
  IDENTITY_CARD_ISSUED_BY: f('IDENTITY_CARD', 'issuedBy'),
  IDENTITY_CARD_EXPIRED: f('IDENTITY_CARD', 'expired', (d, today) => expiredBy(d.expiresOn, today)),
  IDENTITY_CARD_HISTORY: f('IDENTITY_CARD', 'history'),
  RESIDENCE_PERMANENT_ADDRESS: f('RESIDENCE', 'permanentAddress'),
  RESIDENCE_REGISTERED_ON: f('RESIDENCE', 'registeredOn'),
  RESIDENCE_CURRENT_ADDRESS: f('RESIDENCE', 'currentAddress'),
  RESIDENCE_PLACE_OF_ORIGIN: f('RESIDENCE', 'placeOfOrigin'),
  DRIVING_LICENCE_NUMBER: f('DRIVING_LICENCE', 'number'),
  DRIVING_LICENCE_ISSUED_BY: f('DRIVING_LICENCE', 'issuedBy'),
  DRIVING_LICENCE_ISSUED_ON: f('DRIVING_LICENCE', 'issuedOn'),
  DRIVING_LICENCE_STATUS: f('DRIVING_LICENCE', 'status'),
  DRIVING_LICENCE_POINTS: f('DRIVING_LICENCE', 'points'),
  DRIVING_LICENCE_CLASSES: f('DRIVING_LICENCE', 'classes', (d, today) =>
    Array.isArray(d.classes)
      ? (d.classes as DrivingLicenceClassRecord[]).map((c) => ({ ...c, expired: expiredBy(c.expiresOn, today) }))
      : null,
  ),
  DRIVING_LICENCE_HOLDER_NAME: f('DRIVING_LICENCE', 'holderName'),
  HEALTH_INSURANCE_CARD_NUMBER: f('HEALTH_INSURANCE', 'cardNumber'),
  HEALTH_INSURANCE_SOCIAL_INSURANCE_CODE: f('HEALTH_INSURANCE', 'socialInsuranceCode'),
  HEALTH_INSURANCE_BENEFIT_LEVEL: f('HEALTH_INSURANCE', 'benefitLevel'),
  HEALTH_INSURANCE_VALID_FROM: f('HEALTH_INSURANCE', 'validFrom'),
  HEALTH_INSURANCE_VALID_TO: f('HEALTH_INSURANCE', 'validTo'),
  HEALTH_INSURANCE_VALID: f('HEALTH_INSURANCE', 'valid', (d, today) =>
    typeof d.validFrom === 'string' && typeof d.validTo === 'string'
      ? d.validFrom <= today && today <= d.validTo
      : null,
  ),
  HEALTH_INSURANCE_PRIMARY_CARE_FACILITY: f('HEALTH_INSURANCE', 'primaryCareFacility'),
  HEALTH_INSURANCE_FIVE_YEARS_CONTINUOUS_FROM: f('HEALTH_INSURANCE', 'fiveYearsContinuousFrom'),
  HEALTH_INSURANCE_ISSUED_ON: f('HEALTH_INSURANCE', 'issuedOn'),
  HEALTH_INSURANCE_FORM: f('HEALTH_INSURANCE', 'form'),
  SOCIAL_INSURANCE_NUMBER: f('SOCIAL_INSURANCE', 'socialInsuranceNumber'),
  SOCIAL_INSURANCE_NUMBER_KIND: f('SOCIAL_INSURANCE', 'socialInsuranceNumberKind'),
  SOCIAL_INSURANCE_LEGACY_NUMBER: f('SOCIAL_INSURANCE', 'legacySocialInsuranceNumber'),
  SOCIAL_INSURANCE_CONTRIBUTION_PERIODS: f('SOCIAL_INSURANCE', 'contributionPeriods'),
  SOCIAL_INSURANCE_TOTAL_MONTHS: f('SOCIAL_INSURANCE', 'totalMonths'),
  SOCIAL_INSURANCE_BENEFITS: f('SOCIAL_INSURANCE', 'benefits'),
  SOCIAL_INSURANCE_HOLDER_NAME_AT_SOURCE: f('SOCIAL_INSURANCE', 'holderNameAtSource'),
  HEALTH_RECORD_BLOOD_TYPE: f('HEALTH_RECORD', 'bloodType'),
  HEALTH_RECORD_ALLERGIES: f('HEALTH_RECORD', 'allergies'),
  HEALTH_RECORD_CHRONIC_CONDITIONS: f('HEALTH_RECORD', 'chronicConditions'),
  HEALTH_RECORD_VISITS: f('HEALTH_RECORD', 'visits'),
  HEALTH_RECORD_VACCINATIONS: f('HEALTH_RECORD', 'vaccinations'),
  HEALTH_RECORD_TREATMENT_EPISODES: f('HEALTH_RECORD', 'treatmentEpisodes'),
} as const satisfies Record<string, FieldSpec>;

export type ShareFieldName = keyof typeof SHARE_FIELDS;
export const SHARE_FIELD_NAMES = Object.keys(SHARE_FIELDS) as ShareFieldName[];

export function isShareField(s: string): s is ShareFieldName {
  return Object.prototype.hasOwnProperty.call(SHARE_FIELDS, s);
}

/** The paper a field belongs to. */
export const paperOf = (field: ShareFieldName): SharePaper => SHARE_FIELDS[field].paper;
/** A field's claim name inside its paper's object. */
export const claimOf = (field: ShareFieldName): string => SHARE_FIELDS[field].claim;

/** Every field of a paper, in `ShareField` order. */
export function fieldsOf(paper: SharePaper): ShareFieldName[] {
  return SHARE_FIELD_NAMES.filter((n) => SHARE_FIELDS[n].paper === paper);
}

/** Plain JSON: no symbols (the connectors' unreadable-field marks), no undefined, dates as ISO text. */
function plain(v: unknown): unknown {
  return v === undefined ? null : (JSON.parse(JSON.stringify(v)) as unknown);
}

/**
 * The papers' documents, read through the request's loaders (the population once for the three
 * papers it holds): null for a paper the citizen does not have. A source that fails rejects.
 */
export async function readPapers(
  loaders: Loaders,
  citizenId: string,
  papers: readonly SharePaper[],
): Promise<Map<SharePaper, Doc | null>> {
  const out = new Map<SharePaper, Doc | null>();
  await Promise.all(
    papers.map(async (paper) => {
      const record = (await loaders[PAPER_SOURCE[paper]].load(citizenId)) as Doc | null;
      const citizen = record as CitizenRecord | null;
      if (paper === 'IDENTITY_CARD') out.set(paper, (citizen?.identityCard as Doc | null | undefined) ?? null);
      else if (paper === 'RESIDENCE') out.set(paper, (citizen?.residence as Doc | null | undefined) ?? null);
      else out.set(paper, record);
    }),
  );
  return out;
}

/** The value of one field from its paper's document, at `now` (for the computed fields). */
export function valueOf(field: ShareFieldName, doc: Doc, now: Date): unknown {
  const spec: FieldSpec = SHARE_FIELDS[field];
  return plain(spec.compute ? spec.compute(doc, todayInVietnam(now)) : doc[spec.claim]);
}
