import type { CommandStartedEvent } from 'mongodb';
import { Store } from '../../../store/connection';
import { AccessCaches, createAccessLookups } from '../../../services/access/access';
import {
  ACCOUNT_CHANGES_COLLECTION,
  ACCOUNT_FEED_TIMING,
  AccountChangeFeed,
  EVERY_ACCOUNT,
  LateAnnouncementError,
  announceAccountChange,
} from '../../../services/access/account-feed';
import { ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION, type AccountDoc } from '../../../services/accounts/store';
import { isTransientStoreError } from '../../../store/health';
import { seed } from '../../../mockdata/seed/index';
import { accountDoc, commitAccount } from './account-fixture';

/**
 * The account-change feed (services/access/account-feed.ts): an account's facts are served past
 * the 2 s cache only while the feed vouches for them, and every instance forgets them when a
 * change is announced, whoever made it. Two AccessCaches on one store are two hub instances.
 */
const PREFIX = 'acfd_';
const ID = '001090123457';
let store: Store;
const finds: string[] = [];

const account = (seq: number, over: Partial<AccountDoc> = {}) => accountDoc(ID, seq, over);
/** A commit, announced unless `announce` is false. */
const commit = (next: AccountDoc, announce = true) => commitAccount(store, next, { announce });

/** One request's lookup of the account, and the account reads it made. */
async function lookup(caches: AccessCaches, id = ID) {
  finds.length = 0;
  const facts = await createAccessLookups(store, caches).account(id);
  return { facts, reads: finds.filter((c) => c !== ACCOUNT_CHANGES_COLLECTION) };
}

/** Past the caches' TTL (1 ms in these tests): a lower bound, not a race. */
const pastTtl = () => new Promise((r) => setTimeout(r, 5));

const instances: AccountChangeFeed[] = [];
/**
 * A hub instance's caches with a TTL of 1 ms, following the feed (polled every 20 ms; a bound of
 * 30 s, so that a poll held up on a loaded machine does not stop it vouching mid-test).
 */
async function instance(): Promise<{ caches: AccessCaches; feed: AccountChangeFeed }> {
  const caches = new AccessCaches(store, 1);
  const feed = caches.followAccountChanges(store, { timing: { pollMs: 20, boundMs: 30_000 } });
  instances.push(feed);
  await feed.nextPoll();
  return { caches, feed };
}

beforeAll(async () => {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run through jest');
  store = await Store.connect({ uri, dbPrefix: PREFIX, maxPoolSize: 4, monitorCommands: true });
  await store.hubDb.dropDatabase();
  store.client.on('commandStarted', (e) => {
    if (e.commandName === 'find') finds.push(String((e.command as { find: string }).find));
  });
  await commit(account(1), false);
});

afterAll(async () => {
  await Promise.all(instances.map((f) => f.stop()));
  await store.hubDb.dropDatabase();
  await store.close();
});

it('serves facts past the TTL while the feed vouches; a change another instance announces is seen at the next poll', async () => {
  const b = await instance();
  expect(await lookup(b.caches)).toEqual({
    facts: { level: 2, status: 'ACTIVE' },
    reads: [ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION],
  });
  await pastTtl();
  // No change announced: no read.
  expect(await lookup(b.caches)).toEqual({ facts: { level: 2, status: 'ACTIVE' }, reads: [] });

  // Instance A locks the account.
  await commit(account(2, { status: 'LOCKED' }));
  await b.feed.nextPoll();
  expect(await lookup(b.caches)).toEqual({
    facts: { level: 2, status: 'LOCKED' },
    reads: [ACCOUNT_EVENTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION],
  });
  // Read within settleMs of the announcement: past the TTL it is read again, not vouched for.
  await pastTtl();
  expect(await lookup(b.caches)).toEqual({ facts: { level: 2, status: 'LOCKED' }, reads: [ACCOUNT_EVENTS_COLLECTION] });
});

it('vouches for nothing read before it started, older than its maximum age, or when its polls stop', async () => {
  const { feed } = await instance();
  const now = Date.now();
  const other = '001090000001';
  expect(feed.trusts(other, now, now)).toBe(true);
  expect(feed.trusts(other, now - 60_000, now)).toBe(false); // read before the feed started
  expect(feed.trusts(other, now, now + ACCOUNT_FEED_TIMING.maxAgeMs)).toBe(false);
  // No poll covers the bound (the store slow or down): the lookups read the store.
  expect(feed.trusts(other, now, now + feed.timing.boundMs)).toBe(false);
  // The default bound: a poll at most 0.75 s old (1 s for an announcement to land, 0.25 s of skew).
  const strict = new AccountChangeFeed(store, { onChange: () => {} });
  const t = Date.now();
  await strict.poll(); // it starts at once: at t or a moment after
  expect(strict.trusts(other, t, t + ACCOUNT_FEED_TIMING.boundMs - 1_250)).toBe(true);
  expect(strict.trusts(other, t, t + ACCOUNT_FEED_TIMING.boundMs + 100)).toBe(false);
  await feed.stop();
  expect(feed.trusts(other, now, now)).toBe(false);
});

it('without a feed (or once it stopped) facts past the TTL are read again', async () => {
  const id = '001090123458';
  await commit(account(1, { _id: id }), false);
  const { caches, feed } = await instance();
  expect((await lookup(caches, id)).reads).toEqual([ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION]);
  await pastTtl();
  expect((await lookup(caches, id)).reads).toEqual([]);
  await feed.stop();
  expect((await lookup(caches, id)).reads).toEqual([ACCOUNT_EVENTS_COLLECTION]);
  const plain = new AccessCaches(store, 1);
  expect((await lookup(plain, id)).reads).toEqual([ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION]);
  await pastTtl();
  expect((await lookup(plain, id)).reads).toEqual([ACCOUNT_EVENTS_COLLECTION]);
});

it('an announcement the store acknowledged too late is a transient store error (the commit is not made)', async () => {
  const late = announceAccountChange(store, ID, { maxDelayMs: -1 });
  await expect(late).rejects.toBeInstanceOf(LateAnnouncementError);
  expect(isTransientStoreError(await late.catch((e: unknown) => e))).toBe(true);
});

it('seeding announces every account: running instances forget all facts and known steps', async () => {
  const { caches, feed } = await instance();
  expect((await lookup(caches)).facts).toEqual({ level: 2, status: 'LOCKED' });
  await seed(store, { citizens: 3, seed: 5 });
  const all = await store.hubDb.collection(ACCOUNT_CHANGES_COLLECTION).countDocuments({ personalId: EVERY_ACCOUNT });
  expect(all).toBeGreaterThanOrEqual(2);
  await feed.nextPoll();
  expect(caches.accountSteps.get(ID)).toBeUndefined();
  // The seeding dropped the accounts: this person has none now.
  expect(await lookup(caches)).toEqual({ facts: null, reads: [ACCOUNTS_COLLECTION, ACCOUNT_EVENTS_COLLECTION] });
});

it('a lookup begun before every account was announced keeps neither the facts nor the step it read', async () => {
  const id = '001090123459';
  await commit(account(1, { _id: id }), false);
  const caches = new AccessCaches(store, 60_000);
  // What the feed does on reading `*` (followAccountChanges), while this lookup's read is in flight.
  const midRead = (e: CommandStartedEvent) => {
    if (e.commandName !== 'find' || (e.command as { find: string }).find !== ACCOUNTS_COLLECTION) return;
    store.client.off('commandStarted', midRead);
    caches.generation++;
    caches.accounts.clear();
    caches.accountSteps.clear();
  };
  store.client.on('commandStarted', midRead);
  expect(await createAccessLookups(store, caches).account(id)).toEqual({ level: 2, status: 'ACTIVE' });
  expect(caches.accounts.get(id)).toBeUndefined();
  expect(caches.accountSteps.get(id)).toBeUndefined();
});
