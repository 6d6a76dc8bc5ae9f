import { Store } from '../../../store/connection';
import { AccessCaches, createAccessLookups } from '../../../services/access/access';
import { ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION, type AccountDoc } from '../../../services/accounts/store';
import { accountDoc, commitAccount } from './account-fixture';

/**
 * The policy's account lookups: once an account's committed step is known, a lookup after the
 * TTL reads only the next event (one `_id` read), and still sees every transition committed
 * meanwhile, even when an older copy of the document was written back over it.
 */
const PREFIX = 'acst_';
const ID = '001090123456';
let store: Store;
const finds: string[] = [];

const account = (seq: number, over: Partial<AccountDoc> = {}) => accountDoc(ID, seq, over);
/** A transition as the account service commits it: the event first, then the document. */
const commit = (next: AccountDoc) => commitAccount(store, next);

/** One request's lookup of the account, and the store reads it made. */
async function lookup(caches: AccessCaches) {
  finds.length = 0;
  const facts = await createAccessLookups(store, caches).account(ID);
  return { facts, reads: [...finds] };
}

beforeAll(async () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run through jest');
  store = await Store.connect({ uri, dbPrefix: PREFIX, maxPoolSize: 4, monitorCommands: true });
  await store.hubDb.dropDatabase();
  store.client.on('commandStarted', (e) => {
    if (e.commandName === 'find') finds.push(String((e.command as { find: string }).find));
  });
  await commit(account(1));
});

afterAll(async () => {
  await store.hubDb.dropDatabase();
  await store.close();
});

it('reads the document once, then only the next event after the TTL, and sees a commit made meanwhile', async () => {
  const caches = new AccessCaches(store);
  expect(await lookup(caches)).toEqual({
    facts: { level: 2, status: 'ACTIVE' },
    reads: [ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION],
  });
  // Within the TTL: no read.
  expect(await lookup(caches)).toEqual({ facts: { level: 2, status: 'ACTIVE' }, reads: [] });
  // The TTL has passed (dropped here, as a commit of this instance drops it): one read.
  caches.accounts.delete(ID);
  expect(await lookup(caches)).toEqual({ facts: { level: 2, status: 'ACTIVE' }, reads: [ACCOUNT_EVENTS_COLLECTION] });

  // Another instance locks the account; then an older copy of the document is written back.
  await commit(account(2, { status: 'LOCKED' }));
  await store.hubDb.collection<AccountDoc>(ACCOUNTS_COLLECTION).replaceOne({ _id: ID }, account(1));
  caches.accounts.delete(ID);
  expect(await lookup(caches)).toEqual({
    facts: { level: 2, status: 'LOCKED' },
    reads: [ACCOUNT_EVENTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION],
  });
  expect(caches.accountSteps.get(ID)).toEqual({ seq: 2, facts: { level: 2, status: 'LOCKED' } });

  // A process that never saw the account reads the (stale) document and rolls it forward.
  expect(await lookup(new AccessCaches(store))).toEqual({
    facts: { level: 2, status: 'LOCKED' },
    reads: [ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION],
  });
});

it('an unknown person has no account until their registration is committed', async () => {
  const caches = new AccessCaches(store);
  const other = '001090999999';
  const facts = () => createAccessLookups(store, caches).account(other);
  expect(await facts()).toBeNull();
  caches.accounts.delete(other);
  await store.hubDb
    .collection(ACCOUNT_EVENTS_COLLECTION)
    .insertOne({ _id: `${other}#1` as never, personalId: other, seq: 1, account: account(1, { _id: other }) });
  expect(await facts()).toEqual({ level: 2, status: 'ACTIVE' });
});
