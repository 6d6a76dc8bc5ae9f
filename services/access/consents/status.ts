/**
 * A consent's status and how one consent is read: the revocation marker decides REVOKED, the
 * date decides EXPIRED, and uses are counted beside the artefact (../model.ts).
 */
import type { Store } from '../../../store/connection';
import type { Consent, ConsentDoc, ConsentStatus, ConsentUserError, RevocationDoc, UsageDoc } from '../model';
import { consentsCollection, revocations, usage } from './store';
import { randomId } from '../../../lib/ids';

/** A new consent id: 16 random bytes, base64url (22 characters; never beginning with `-`: lib/ids.ts). */
export function newConsentId(): string {
  return randomId(16);
}

export const CONSENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The consent's status at `now`: REVOKED wins; EXPIRED once `validUntil` has passed. */
export function consentStatus(
  consent: Pick<ConsentDoc, 'status' | 'validUntil'>,
  now: Date = new Date(),
): ConsentStatus {
  if (consent.status === 'REVOKED') return 'REVOKED';
  if (consent.validUntil.getTime() <= now.getTime()) return 'EXPIRED';
  return 'ACTIVE';
}

/** True when a token may be issued or used under the consent at `now` (ACTIVE and started). */
export function consentUsable(
  consent: Pick<ConsentDoc, 'status' | 'validUntil' | 'validFrom'>,
  now: Date = new Date(),
): boolean {
  return consentStatus(consent, now) === 'ACTIVE' && consent.validFrom.getTime() <= now.getTime();
}

/** The consent as its citizen sees it (the derived status). */
export function view(doc: ConsentDoc, now: Date): Consent {
  return { ...doc, status: consentStatus(doc, now) };
}

export function userError(code: ConsentUserError['code'], message: string, field: string | null): ConsentUserError {
  return { code, message, field };
}

/**
 * The consent with this id (any citizen's), or null. Its status is REVOKED when its revocation
 * marker exists, whatever the artefact shows (a write racing the revocation cannot undo it).
 */
export async function findConsent(store: Store, consentId: unknown): Promise<ConsentDoc | null> {
  if (typeof consentId !== 'string' || !CONSENT_ID_PATTERN.test(consentId)) return null;
  const [doc, marker] = await Promise.all([
    consentsCollection(store).findOne({ _id: consentId }),
    revocations(store).findOne({ _id: consentId }),
  ]);
  return doc && withMarker(doc, marker);
}

export function withMarker(doc: ConsentDoc, marker: Pick<RevocationDoc, 'at' | 'by'> | null): ConsentDoc {
  if (!marker) return doc;
  return { ...doc, status: 'REVOKED', revokedAt: marker.at, ...(marker.by ? { revokedBy: marker.by } : {}) };
}

/** The uses recorded under a consent: those of `hub.consentUsage` plus any the artefact counted. */
export function withUsage(doc: ConsentDoc, use: UsageDoc | null): ConsentDoc {
  if (!use) return doc;
  const last = [doc.lastUsedAt, use.lastUsedAt].filter((d): d is Date => d instanceof Date);
  return {
    ...doc,
    useCount: (doc.useCount ?? 0) + (use.useCount ?? 0),
    ...(last.length ? { lastUsedAt: new Date(Math.max(...last.map((d) => d.getTime()))) } : {}),
  };
}

/** How often the consent was used, and when last. */
export async function consentUse(store: Store, consentId: string): Promise<{ useCount: number; lastUsedAt?: Date }> {
  const [doc, use] = await Promise.all([
    consentsCollection(store).findOne({ _id: consentId }),
    usage(store).findOne({ _id: consentId }),
  ]);
  const d = withUsage(doc ?? ({ useCount: 0 } as ConsentDoc), use);
  return { useCount: d.useCount ?? 0, ...(d.lastUsedAt ? { lastUsedAt: d.lastUsedAt } : {}) };
}
