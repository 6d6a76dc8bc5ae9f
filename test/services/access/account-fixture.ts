/** An e-identity account and its commits as the policy's lookup tests write them straight into the store. */
import { announceAccountChange } from '../../../services/access/account-feed';
import { ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION, type AccountDoc } from '../../../services/accounts/store';
import type { Store } from '../../../store/connection';

/** An ACTIVE Level 2 account of `id` at step `seq`. */
export function accountDoc(id: string, seq: number, over: Partial<AccountDoc> = {}): AccountDoc {
  return {
    _id: id,
    level: 2,
    status: 'ACTIVE',
    phone: '+84912000001',
    area: { province: '01', commune: '00004' },
    hasChipCard: true,
    registeredAt: new Date('2025-01-01T00:00:00Z'),
    history: [],
    updatedAt: new Date('2025-01-01T00:00:00Z'),
    seq,
    ...over,
  };
}

/**
 * A transition as the account service commits it: the event first, then the document; with
 * `announce`, the change announced in the account-change feed before both (without: as written
 * before the hubs started, or by an instance without the feed).
 */
export async function commitAccount(store: Store, next: AccountDoc, opts: { announce?: boolean } = {}): Promise<void> {
  if (opts.announce) await announceAccountChange(store, next._id);
  await store.hubDb
    .collection(ACCOUNT_EVENTS_COLLECTION)
    .insertOne({ _id: `${next._id}#${next.seq}` as never, personalId: next._id, seq: next.seq, account: next });
  await store.hubDb.collection<AccountDoc>(ACCOUNTS_COLLECTION).replaceOne({ _id: next._id }, next, { upsert: true });
}
