/** The consent collections of the hub's database (their documents: ../model.ts). */
import type { Store } from '../../../store/connection';
import {
  CONSENTS_BY_CITIZEN_COLLECTION,
  CONSENTS_COLLECTION,
  CONSENT_REVOCATIONS_COLLECTION,
  CONSENT_SLOTS_COLLECTION,
  CONSENT_USAGE_COLLECTION,
  type CitizenIndexDoc,
  type ConsentDoc,
  type RevocationDoc,
  type SlotDoc,
  type UsageDoc,
} from '../model';

export function consentsCollection(store: Store) {
  return store.hubDb.collection<ConsentDoc>(CONSENTS_COLLECTION);
}

export function revocations(store: Store) {
  return store.hubDb.collection<RevocationDoc>(CONSENT_REVOCATIONS_COLLECTION);
}

export function citizenIndex(store: Store) {
  return store.hubDb.collection<CitizenIndexDoc>(CONSENTS_BY_CITIZEN_COLLECTION);
}

export function slots(store: Store) {
  return store.hubDb.collection<SlotDoc>(CONSENT_SLOTS_COLLECTION);
}

export function usage(store: Store) {
  return store.hubDb.collection<UsageDoc>(CONSENT_USAGE_COLLECTION);
}
