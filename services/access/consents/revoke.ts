/** A citizen revokes one of their consents. */
import type { Store } from '../../../store/connection';
import { isDuplicateKey } from '../../../store/concurrency';
import type { ConsentGrantor, ConsentResult } from '../model';
import type { ConsentStatusCache } from './cache';
import { findConsent, userError as err, view, withUsage } from './status';
import { consentsCollection, revocations, usage } from './store';

/**
 * Revokes one of the citizen's own consents. Another citizen's consent is NOT_FOUND
 * (its existence is not revealed). Pass the request path's cache to make the
 * revocation immediate in this process (other processes see it within their TTL).
 */
export async function revokeConsent(
  store: Store,
  citizenId: string,
  consentId: string,
  now: Date = new Date(),
  opts: { cache?: ConsentStatusCache; revokedBy?: ConsentGrantor } = {},
): Promise<ConsentResult> {
  const doc = await findConsent(store, consentId);
  if (!doc || doc.citizenId !== citizenId) return { userErrors: [err('NOT_FOUND', 'No such consent', 'id')] };
  const already = { userErrors: [err('ALREADY_REVOKED', 'The consent is already revoked', 'id')] };
  if (doc.status === 'REVOKED') {
    // Decided already (the marker); the artefact's copy of the status is completed if it lags.
    await markRevoked(store, doc._id, doc.revokedAt ?? now);
    return already;
  }
  // The revocation is decided by inserting its marker (a unique `_id`: the one compare-and-set
  // the embedded store makes atomic), so concurrent revocations, on any hub instance, succeed once.
  try {
    await revocations(store).insertOne({
      _id: doc._id,
      citizenId,
      at: now,
      ...(opts.revokedBy ? { by: opts.revokedBy } : {}),
    });
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
    // Revoked meanwhile; a revocation cut short before the status write is completed here.
    const marker = await revocations(store).findOne({ _id: doc._id });
    await markRevoked(store, doc._id, marker?.at ?? now);
    opts.cache?.invalidate(doc._id);
    return already;
  }
  await markRevoked(store, doc._id, now, opts.revokedBy);
  opts.cache?.invalidate(doc._id);
  const use = await usage(store).findOne({ _id: doc._id });
  const by = opts.revokedBy ? { revokedBy: opts.revokedBy } : {};
  return { consent: view(withUsage({ ...doc, status: 'REVOKED', revokedAt: now, ...by }, use), now) };
}

async function markRevoked(store: Store, id: string, at: Date, by?: ConsentGrantor): Promise<void> {
  await consentsCollection(store).updateOne(
    { _id: id, status: 'ACTIVE' },
    { $set: { status: 'REVOKED', revokedAt: at, ...(by ? { revokedBy: by } : {}) } },
  );
}
