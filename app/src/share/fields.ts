/** The fields a citizen can share, by paper, in the order the picker and the verifier show them. */
import type { DocumentScope, ShareField } from '../../../generated/app/graphql';

export const SHARE_PAPERS: Array<{ paper: DocumentScope; fields: ShareField[] }> = [
  {
    paper: 'IDENTITY',
    fields: ['PERSONAL_ID', 'FULL_NAME', 'DATE_OF_BIRTH', 'SEX', 'ETHNICITY', 'NATIONALITY', 'VITAL_STATUS'],
  },
  {
    paper: 'IDENTITY_CARD',
    fields: [
      'IDENTITY_CARD_KIND',
      'IDENTITY_CARD_NUMBER',
      'IDENTITY_CARD_ISSUED_ON',
      'IDENTITY_CARD_EXPIRES_ON',
      'IDENTITY_CARD_ISSUED_BY',
      'IDENTITY_CARD_EXPIRED',
      'IDENTITY_CARD_HISTORY',
    ],
  },
  {
    paper: 'RESIDENCE',
    fields: [
      'RESIDENCE_PERMANENT_ADDRESS',
      'RESIDENCE_REGISTERED_ON',
      'RESIDENCE_CURRENT_ADDRESS',
      'RESIDENCE_PLACE_OF_ORIGIN',
    ],
  },
  {
    paper: 'DRIVING_LICENCE',
    fields: [
      'DRIVING_LICENCE_NUMBER',
      'DRIVING_LICENCE_STATUS',
      'DRIVING_LICENCE_CLASSES',
      'DRIVING_LICENCE_POINTS',
      'DRIVING_LICENCE_ISSUED_ON',
      'DRIVING_LICENCE_ISSUED_BY',
      'DRIVING_LICENCE_HOLDER_NAME',
    ],
  },
  {
    paper: 'HEALTH_INSURANCE',
    fields: [
      'HEALTH_INSURANCE_CARD_NUMBER',
      'HEALTH_INSURANCE_VALID',
      'HEALTH_INSURANCE_VALID_FROM',
      'HEALTH_INSURANCE_VALID_TO',
      'HEALTH_INSURANCE_BENEFIT_LEVEL',
      'HEALTH_INSURANCE_PRIMARY_CARE_FACILITY',
      'HEALTH_INSURANCE_SOCIAL_INSURANCE_CODE',
      'HEALTH_INSURANCE_FIVE_YEARS_CONTINUOUS_FROM',
    ],
  },
  {
    paper: 'SOCIAL_INSURANCE',
    fields: [
      'SOCIAL_INSURANCE_NUMBER',
      'SOCIAL_INSURANCE_TOTAL_MONTHS',
      'SOCIAL_INSURANCE_CONTRIBUTION_PERIODS',
      'SOCIAL_INSURANCE_BENEFITS',
      'SOCIAL_INSURANCE_HOLDER_NAME_AT_SOURCE',
    ],
  },
  {
    paper: 'HEALTH_RECORD',
    fields: [
      'HEALTH_RECORD_BLOOD_TYPE',
      'HEALTH_RECORD_ALLERGIES',
      'HEALTH_RECORD_CHRONIC_CONDITIONS',
      'HEALTH_RECORD_VISITS',
      'HEALTH_RECORD_VACCINATIONS',
    ],
  },
];
