/** What the account service reads of the holder's ID card in the population source. */
import type { CitizenRecord } from '../../connectors/population/connector';
import { unreadableOf } from '../../connectors/fields';
import { isCitizen } from './lifecycle/eligibility';

/**
 * Whether the ID card's expiry is unknown: the card, or its expiry, could not be read from the
 * population source (a null expiry that was read means "does not expire").
 */
export function idCardExpiryUnreadable(person: CitizenRecord | null): boolean {
  if (!person) return false;
  if (!person.identityCard) return !!unreadableOf(person, 'identityCard');
  return !!unreadableOf(person.identityCard, 'expiresOn');
}

/**
 * Whether the chip ID card is valid on `today` ("YYYY-MM-DD"): it is through its expiry day. An
 * expiry that cannot be read is not valid (fail closed: no automatic approval, no unlock).
 */
export function idCardValidOn(person: CitizenRecord | null, today: string): boolean {
  const card = person?.identityCard;
  if (!card || idCardExpiryUnreadable(person)) return false;
  return card.expiresOn === null || card.expiresOn >= today;
}

/** A valid chip ID card on `today` (an expired one does not count: it cannot be read by the app). */
export function hasChip(person: CitizenRecord | null, today: string): boolean {
  const kind = person?.identityCard?.kind;
  return (kind === 'CCCD_CHIP' || kind === 'IDENTITY_CARD') && idCardValidOn(person, today);
}

/**
 * Whether a foreigner's permanent or temporary residence card is valid on `today` ("YYYY-MM-DD"):
 * issued by then and valid through its expiry day (Decree 69/2024 Art. 7 as summarised; the
 * residence card's validity: Law 47/2014/QH13 as amended, unconfirmed). Fail closed: a card
 * whose kind, number, issue or expiry date cannot be read is no valid card.
 */
export function residenceCardValidOn(person: CitizenRecord | null, today: string): boolean {
  const card = person?.residenceCard;
  if (!card || unreadableOf(person, 'residenceCard')) return false;
  for (const key of ['kind', 'number', 'issuedOn', 'expiresOn'] as const) {
    if (card[key] === null || unreadableOf(card, key)) return false;
  }
  return card.issuedOn! <= today && card.expiresOn! >= today;
}

/** Whether the population record is a foreigner's (a nationality other than Việt Nam was read). */
export function isForeigner(person: CitizenRecord | null): boolean {
  return !!person && !isCitizen(person.nationality);
}

/** Whether a card is on record (read or unreadable): a foreigner's residence card, else the ID card. */
export function cardOnRecord(person: CitizenRecord | null): boolean {
  if (!person) return false;
  if (isForeigner(person)) return !!person.residenceCard || !!unreadableOf(person, 'residenceCard');
  return !!person.identityCard || idCardExpiryUnreadable(person);
}

/**
 * Whether the holder's card is valid on `today`: a foreigner's residence card (Decree 69/2024
 * Art. 7), a citizen's ID card; fail closed as each of them.
 */
export function holderCardValidOn(person: CitizenRecord | null, today: string): boolean {
  return isForeigner(person) ? residenceCardValidOn(person, today) : idCardValidOn(person, today);
}
