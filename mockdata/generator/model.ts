/**
 * The generator's own model of people and households: the "truth" every source document is
 * derived from (seed/), linked by personal ID.
 */
import type { Commune, LegacyCommune, OldProvince, Province } from './areas';
import type { Day } from './dates';
import type { PersonName, Region, Sex } from './names';

export type CardKind = 'CMND' | 'CCCD' | 'CCCD_GAN_CHIP' | 'THE_CAN_CUOC';

export interface IdCard {
  loai: CardKind;
  so: string;
  ngayCap: Day;
  ngayHetHan: Day | null;
  noiCap: string;
}

/** A foreigner's residence card (foreigners.ts): thẻ thường trú (permanent) or thẻ tạm trú (temporary). */
export type ResidenceCardKind = 'THUONG_TRU' | 'TAM_TRU';

export interface ResidenceCard {
  loai: ResidenceCardKind;
  so: string;
  ngayCap: Day;
  ngayHetHan: Day;
  noiCap: string;
}

export interface Place {
  province: Province;
  commune: Commune;
  /** The pre-2025 commune this place belonged to (used when written in the old form). */
  legacy: LegacyCommune;
  chiTiet: string;
}

export interface Household {
  no: string;
  place: Place;
  /** Registered long ago and never rewritten: members registered before the reform keep the old form. */
  legacyAddress: boolean;
  since: Day;
  members: Person[];
  head: Person;
  region: Region;
}

export type WorkKind = 'EMPLOYED' | 'FORMER' | 'VOLUNTARY' | 'RETIRED';

export interface Relative {
  person?: Person; // when in the same household (linked by personal ID)
  name: string;
}

export interface Person {
  idx: number;
  id: string;
  name: PersonName;
  fullName: string;
  sex: Sex;
  birth: Day;
  ethnicity: string;
  religion: string;
  /** Pre-2025 province of birth registration (its 3-digit code starts the personal ID). */
  birthOld: OldProvince;
  household: Household;
  /** Relationship to the head ("Chủ hộ", "Vợ", "Con", "Cháu", ...). */
  relation: string;
  father?: Relative;
  mother?: Relative;
  spouse?: Person;
  /** Children under 14 / wards registered under this person (same household). */
  dependants: Array<{ person: Person; quanHe: 'Con' | 'Người được giám hộ' }>;
  death: Day | null;
  /** Identity documents, oldest first; the last is the current one. */
  cards: IdCard[];
  cmnd: string | null;
  /** Living and at least one of their cards has expired by today (so a late renewal is possible). */
  lateRenewalEligible: boolean;
  /** Current card expired (EXPIRED_ID_CARD). */
  expiredCard: boolean;
  registeredDay: Day;
  legacyAddress: boolean;
  origin: Place;
  temporary?: Place;
  /** A made-up identity for ORPHAN records: not in population. */
  phantom: boolean;
  /** A foreigner's nationality (foreigners.ts); absent for citizens ("Việt Nam"). */
  nationality?: string;
  /** A foreigner's permanent or temporary residence card (foreigners.ts). */
  residenceCard?: ResidenceCard;
  // Filled by the generator core:
  work: WorkKind | null;
  bhxhCode: string | null;
}
