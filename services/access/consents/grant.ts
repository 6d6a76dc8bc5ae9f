/** A citizen grants a consent to a registered client. */
import { DOCUMENT_SCOPES, type DocumentScope } from '../auth/principal';
import { findClient, suspendedSince, type ClientDoc } from '../clients';
import type { Store } from '../../../store/connection';
import {
  MAX_ACTIVE_CONSENTS_PER_CITIZEN,
  MAX_CONSENT_VALIDITY_MS,
  type ConsentDoc,
  type ConsentResult,
  type ConsentUserError,
  type GrantConsentInput,
} from '../model';
import { countActiveConsents } from './list';
import { claimSlot } from './slots';
import { newConsentId, userError as err, view } from './status';
import { consentsCollection } from './store';

/**
 * Records a citizen's consent. Refuses (userErrors) a client that is unknown or
 * suspended, a scope or purpose the client is not registered for, and a validity
 * that is not in the future or runs more than a year.
 */
export async function grantConsent(
  store: Store,
  citizenId: string,
  input: GrantConsentInput,
  now: Date = new Date(),
): Promise<ConsentResult> {
  const client = await findClient(store, input.clientId);
  if (!client) return { userErrors: [err('CLIENT_UNKNOWN', 'No client is registered with this id', 'clientId')] };
  if (client.status !== 'ACTIVE')
    return { userErrors: [err('CLIENT_SUSPENDED', 'The client is suspended', 'clientId')] };

  const scopes = [...new Set(input.scopes)];
  const errors = [...requestErrors(client, scopes, input), ...validityErrors(input, now)];
  if (errors.length > 0) return { userErrors: errors };
  // Checked before the slot is claimed: grants racing each other may pass it together.
  if ((await countActiveConsents(store, citizenId, now)) >= MAX_ACTIVE_CONSENTS_PER_CITIZEN) {
    return {
      userErrors: [
        err(
          'TOO_MANY_CONSENTS',
          `At most ${MAX_ACTIVE_CONSENTS_PER_CITIZEN} consents may be active at once: revoke one first`,
          null,
        ),
      ],
    };
  }
  return record(store, citizenId, client, { ...input, scopes, validFrom: input.validFrom ?? now }, now);
}

/** What the consent asks for: scopes and purpose the client is registered for, a dossier. */
function requestErrors(client: ClientDoc, scopes: DocumentScope[], input: GrantConsentInput): ConsentUserError[] {
  const errors: ConsentUserError[] = [];
  if (scopes.length === 0) errors.push(err('INVALID_INPUT', 'At least one scope is needed', 'scopes'));
  for (const s of scopes) {
    if (!(DOCUMENT_SCOPES as readonly string[]).includes(s))
      errors.push(err('INVALID_INPUT', `Unknown scope ${String(s)}`, 'scopes'));
    else if (!client.scopes.includes(s))
      errors.push(err('SCOPE_NOT_REGISTERED', `The client is not registered for scope ${s}`, 'scopes'));
  }
  if (typeof input.purpose !== 'string' || !client.purposes.includes(input.purpose)) {
    errors.push(err('PURPOSE_NOT_REGISTERED', 'The client is not registered for this purpose', 'purpose'));
  }
  if (typeof input.dossierRef !== 'string' || input.dossierRef.trim().length === 0 || input.dossierRef.length > 128) {
    errors.push(err('INVALID_INPUT', 'The dossier reference must have 1 to 128 characters', 'dossierRef'));
  }
  return errors;
}

/** The validity: in the future, at most a year, starting before it ends (the first problem only). */
function validityErrors(input: GrantConsentInput, now: Date): ConsentUserError[] {
  const validFrom = input.validFrom ?? now;
  const until = input.validUntil;
  if (!(until instanceof Date) || Number.isNaN(until.getTime())) {
    return [err('INVALID_VALIDITY', 'validUntil must be a date', 'validUntil')];
  } else if (until.getTime() <= now.getTime()) {
    return [err('INVALID_VALIDITY', 'validUntil must be in the future', 'validUntil')];
  } else if (until.getTime() > now.getTime() + MAX_CONSENT_VALIDITY_MS) {
    return [err('INVALID_VALIDITY', 'A consent may run at most one year', 'validUntil')];
  } else if (
    !(validFrom instanceof Date) ||
    Number.isNaN(validFrom.getTime()) ||
    validFrom.getTime() >= until.getTime()
  ) {
    return [err('INVALID_VALIDITY', 'validFrom must be before validUntil', 'validFrom')];
  }
  return [];
}

/** Writes a checked grant: the citizen's slot, the artefact, then the client's check again. */
async function record(
  store: Store,
  citizenId: string,
  client: ClientDoc,
  input: GrantConsentInput & { validFrom: Date },
  now: Date,
): Promise<ConsentResult> {
  const id = newConsentId();
  const clientGen = client.gen ?? 0;
  // No transactions: the citizen's index slot first, then the artefact. A failure in between
  // leaves a dangling slot (skipped when listing), never a consent the citizen cannot see or revoke.
  const slot = await claimSlot(store, citizenId, id);
  const doc: ConsentDoc = {
    _id: id,
    citizenId,
    clientId: client._id,
    scopes: input.scopes,
    purpose: input.purpose,
    dossierRef: input.dossierRef.trim(),
    createdAt: now,
    validFrom: input.validFrom,
    validUntil: input.validUntil,
    status: 'ACTIVE',
    useCount: 0,
    slot,
    clientGen,
    ...(input.grantedBy
      ? { grantedBy: { personalId: input.grantedBy.personalId, capacity: input.grantedBy.capacity } }
      : {}),
  };
  await consentsCollection(store).insertOne(doc);
  // The client was checked before the insert: a suspension decided since (its change inserted,
  // on any instance) withdraws the consent, so no consent stands on a check the suspension
  // replaced. One decided after this read comes after the consent, like any earlier consent's.
  if (await suspendedSince(store, client._id, clientGen)) {
    await consentsCollection(store).deleteOne({ _id: doc._id });
    return { userErrors: [err('CLIENT_SUSPENDED', 'The client is suspended', 'clientId')] };
  }
  await consentsCollection(store).updateOne({ _id: doc._id }, { $set: { clientChecked: true } });
  return { consent: view({ ...doc, clientChecked: true }, now) };
}
