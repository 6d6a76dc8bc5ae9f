/**
 * The electronic health book (Sổ sức khỏe điện tử) as the Ministry of Health's
 * mock stores it: FHIR-flavoured English names, ISO 8601 dates, gender
 * "male"/"female". `_id` = personal ID as held (older records: 9-digit CMND).
 * Health data is sensitive personal data (Decree 13/2023, Law 91/2025).
 */
export const HEALTH_RECORD_DB = 'ehr';
export const HEALTH_RECORD_COLLECTION = 'healthBooks';

export interface EhrCoding {
  code: string; // ICD-10 code, e.g. "J06.9"
  display: string; // Vietnamese label
}

export interface EhrEncounter {
  date: string; // YYYY-MM-DD
  facility: { code: string; name: string };
  diagnoses: EhrCoding[];
  treatment: string;
}

export interface EhrImmunization {
  vaccine: string;
  date: string; // YYYY-MM-DD
  dose: number;
}

/**
 * A treatment episode (đợt điều trị): an inpatient stay, a day-care course or an outpatient course
 * of treatment at one facility, from admission to discharge (docs/domain.md, "Treatment episodes").
 */
export interface EhrEpisode {
  kind: 'inpatient' | 'day-care' | 'outpatient';
  start: string; // YYYY-MM-DD, admission
  end: string | null; // YYYY-MM-DD, discharge; null while ongoing
  facility: { code: string; name: string };
  diagnoses: EhrCoding[]; // the main diagnosis first
  /** At discharge; null while ongoing. */
  outcome: 'recovered' | 'improved' | 'unchanged' | 'worse' | 'transferred' | 'died' | null;
  summary: string; // treatment given
}

export interface HealthBookDoc {
  _id: string;
  patient: {
    name: string; // NFC
    birthDate: string; // YYYY-MM-DD
    gender: 'male' | 'female';
  };
  bloodType: 'A+' | 'A-' | 'B+' | 'B-' | 'AB+' | 'AB-' | 'O+' | 'O-' | null;
  allergies: string[];
  chronicConditions: Array<EhrCoding & { since: string }>;
  encounters: EhrEncounter[]; // newest first
  immunizations: EhrImmunization[];
  /** Treatment episodes, newest first; absent in books written before the field existed. */
  episodes?: EhrEpisode[] | null;
  lastUpdated: string; // ISO 8601 date-time
}
