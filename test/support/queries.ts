/** The single-citizen all-papers query (also used by the bench). */
export const ALL_PAPERS_FIELDS = `
  personalId fullName dateOfBirth sex ethnicity nationality vitalStatus dateOfDeath
  provenance { source updatedAtSource }
  identityCard { kind number issuedOn expiresOn issuedBy expired history { kind number issuedOn expiresOn issuedBy } }
  residence { registeredOn permanentAddress { line formatted legacy commune { code name } province { code name } legacyDistrict { code name } }
              currentAddress { formatted } placeOfOrigin { formatted } }
  household { householdNumber relationshipToHead head { personalId fullName } members { personalId fullName relationshipToHead } }
  family { father { personalId fullName } mother { personalId fullName } spouse { personalId fullName }
           dependants { personalId fullName dateOfBirth relationship } }
  drivingLicence { number issuedBy issuedOn status points holderName classes { code issuedOn expiresOn expired } provenance { source updatedAtSource } }
  healthInsurance { cardNumber socialInsuranceCode benefitLevel validFrom validTo valid fiveYearsContinuousFrom issuedOn form
                    primaryCareFacility { code name } provenance { source updatedAtSource } }
  socialInsurance { socialInsuranceNumber socialInsuranceNumberKind legacySocialInsuranceNumber totalMonths holderNameAtSource
                    contributionPeriods { from to employer salaryBase scheme } benefits { kind date amount }
                    provenance { source updatedAtSource } }
  healthRecord { bloodType allergies chronicConditions { icd10 name since }
                 visits { date facility { code name } diagnoses { icd10 name } treatment }
                 vaccinations { vaccine date dose } provenance { source updatedAtSource } }
`;

/**
 * The health book's treatment episodes: in the one-citizen query only. Each costs its assumed
 * size (5) times its selection, so 100 citizens with them would be over the cost limit (15,000):
 * a client asks for episodes of fewer citizens at a time.
 */
export const EPISODES_FIELDS = `healthRecord { treatmentEpisodes { kind start end facility { code name } diagnoses { icd10 name } outcome treatment } }`;

export const CITIZEN_ALL_PAPERS = `query Citizen($id: PersonalId!) { citizen(personalId: $id) { ${ALL_PAPERS_FIELDS} ${EPISODES_FIELDS} } }`;
export const CITIZENS_ALL_PAPERS = `query Citizens($ids: [PersonalId!]!) { citizens(personalIds: $ids) { ${ALL_PAPERS_FIELDS} } }`;
