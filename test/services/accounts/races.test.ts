/**
 * Time-of-check/time-of-use on the account mutations, over real HTTP on the real store (its own
 * data set, prefix `acr_`). Each test fires tens of requests at once, interleaved with the
 * transitions that change their precondition, and checks that only legal outcomes happen: a
 * mutation decides on the state it commits against (inside the per-account lock and the
 * compare-and-set on `accountEvents`), and a one-time code is single use and counted atomically,
 * also across two hub instances on one store.
 */
import { RecordingNotifier } from '../../../services/accounts/notifier';
import { ACCOUNT_CODE_GUESSES_COLLECTION, MAX_CODE_ATTEMPTS } from '../../../services/accounts/codes';
import { gql, startTestHub, type TestHub } from '../../support/hub';
import { testKeys } from '../../support/keys';
import { e164, newPhone, setupFixture, withChip, type Fixture } from './support';

const PREFIX = 'acr_';
const PARALLEL = 24;
let fx: Fixture;
let hub: TestHub;
let other: TestHub;
const notifier = new RecordingNotifier();
const keys = testKeys();
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

const PAYLOAD = `account { status phone history { event from to by } } userErrors { code message }`;
const OPS = {
  register: `mutation($input: AccountRegisterInput!) { accountRegister(input: $input) { ${PAYLOAD} } }`,
  activate: `mutation($code: String!) { accountActivate(code: $code) { ${PAYLOAD} } }`,
  resend: `mutation { accountActivationCodeResend { ${PAYLOAD} } }`,
  lock: `mutation($id: PersonalId, $via: LockChannel) { accountLock(personalId: $id, via: $via) { ${PAYLOAD} } }`,
  phoneStart: `mutation($phone: String!) { accountPhoneChangeStart(phone: $phone) { ${PAYLOAD} } }`,
  phoneChange: `mutation($input: AccountPhoneChangeInput!) { accountPhoneChange(input: $input) { ${PAYLOAD} } }`,
} as const;

interface Payload {
  account: { status: string; phone: string; history: Array<{ event: string; from: string; to: string; by: string }> };
  userErrors: Array<{ code: string; message: string }>;
}

/** One mutation as the holder, over HTTP; the payload (a GraphQL error fails the test). */
async function send(h: TestHub, id: string, op: keyof typeof OPS, vars: Record<string, unknown> = {}) {
  const r = await gql(h.url, OPS[op], vars, bearer(keys.citizen(id)));
  if (r.body.errors?.length) throw new Error(`${op}: ${JSON.stringify(r.body.errors)}`);
  return Object.values(r.body.data!)[0] as Payload;
}

const codeOf = (p: Payload): string | null => p.userErrors[0]?.code ?? null;

function tally(results: Payload[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const r of results) {
    const k = codeOf(r) ?? 'OK';
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
}

/** A fresh chip-card holder registered Level 1 over HTTP (auto-approved); the activation code. */
async function approved(what: string): Promise<{ id: string; code: string; phone: string }> {
  const p = fx.take(what, withChip);
  const id = p.personalId;
  const phone = newPhone();
  const r = await send(hub, id, 'register', { input: { level: 1, phone, portraitRef: `portrait/${id}` } });
  expect(r.userErrors).toEqual([]);
  expect(r.account.status).toBe('APPROVED');
  return { id, code: notifier.lastCode(id, 'ACCOUNT_APPROVED')!, phone: e164(phone) };
}

async function active(what: string): Promise<{ id: string; phone: string }> {
  const a = await approved(what);
  expect(codeOf(await send(hub, a.id, 'activate', { code: a.code }))).toBeNull();
  return { id: a.id, phone: a.phone };
}

const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

beforeAll(async () => {
  fx = await setupFixture(PREFIX, { citizens: 300, seed: 31 });
  hub = await startTestHub({}, PREFIX, { notifier });
  // A second hub instance on the same store: its per-account lock is not the first one's.
  other = await startTestHub({}, PREFIX, { notifier });
}, 60_000);

afterAll(async () => {
  await other?.close();
  await hub?.close();
  await fx?.close();
});

describe('phone change against activation', () => {
  it('never changes the phone without a code while the account is being activated', async () => {
    for (let round = 0; round < 3; round++) {
      const { id, code, phone } = await approved(`activate+phone ${round}`);
      // Waves of phone changes on both instances for as long as the activation is in flight.
      let done = false;
      const activation = send(hub, id, 'activate', { code }).finally(() => (done = true));
      const results: Payload[] = [];
      const waves = async (h: TestHub): Promise<void> => {
        for (let n = 0; n < 40 && (!done || n < 2); n++) {
          const wave = Array.from({ length: 4 }, (_, i) =>
            send(h, id, 'phoneChange', {
              input: { phone: newPhone(), ...(i % 2 === 0 ? { verificationCode: '123456' } : {}) },
            }),
          );
          results.push(...(await Promise.all(wave)));
        }
      };
      const [activated] = await Promise.all([activation, waves(hub), waves(other)]);
      expect(codeOf(activated)).toBeNull();
      expect(tally(results).OK).toBeUndefined();
      const after = (await fx.account(id))!;
      expect(after.status).toBe('ACTIVE');
      expect(after.phone).toBe(phone);
      expect(after.history.filter((h) => h.event === 'PHONE_CHANGE')).toEqual([]);
      for (const r of results) expect(['NOT_PERMITTED', 'NO_CODE_PENDING', 'PHONE_NOT_VERIFIED']).toContain(codeOf(r));
    }
  });

  it('never changes the phone of a locked account with a code sent before the lock', async () => {
    const { id, phone } = await active('lock+phone');
    const next = newPhone();
    expect(codeOf(await send(hub, id, 'phoneStart', { phone: next }))).toBeNull();
    const code = notifier.lastCode(id, 'PHONE_VERIFICATION')!;
    const results = await Promise.all([
      send(other, id, 'lock', { via: 'APP' }),
      ...Array.from({ length: PARALLEL }, (_, i) =>
        send(i % 2 ? other : hub, id, 'phoneChange', { input: { phone: next, verificationCode: code } }),
      ),
    ]);
    expect(codeOf(results[0])).toBeNull();
    const after = (await fx.account(id))!;
    expect(after.status).toBe('LOCKED');
    const moves = after.history.filter((h) => h.event === 'PHONE_CHANGE');
    // At most one change, and only while ACTIVE (before the lock).
    expect(moves.length).toBeLessThanOrEqual(1);
    for (const m of moves) expect(m).toMatchObject({ from: 'ACTIVE', to: 'ACTIVE', by: 'citizen' });
    expect(after.phone).toBe(moves.length ? e164(next) : phone);
    expect(results.slice(1).filter((r) => codeOf(r) === null)).toHaveLength(moves.length);
  });
});

describe('one-time codes are single use, even under concurrency and across hub instances', () => {
  it('activates once with one activation code', async () => {
    const { id, code } = await approved('activate twice');
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => send(i % 2 ? other : hub, id, 'activate', { code })),
    );
    expect(results.filter((r) => codeOf(r) === null)).toHaveLength(1);
    const after = (await fx.account(id))!;
    expect(after.status).toBe('ACTIVE');
    expect(after.history.filter((h) => h.event === 'ACTIVATE')).toHaveLength(1);
    expect(after.activationCode).toBeUndefined();
  });

  it('changes the phone once with one phone code', async () => {
    const { id } = await active('phone twice');
    const next = newPhone();
    expect(codeOf(await send(hub, id, 'phoneStart', { phone: next }))).toBeNull();
    const code = notifier.lastCode(id, 'PHONE_VERIFICATION')!;
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        send(i % 2 ? other : hub, id, 'phoneChange', { input: { phone: next, verificationCode: code } }),
      ),
    );
    expect(results.filter((r) => codeOf(r) === null)).toHaveLength(1);
    const after = (await fx.account(id))!;
    expect(after.phone).toBe(e164(next));
    expect(after.history.filter((h) => h.event === 'PHONE_CHANGE')).toHaveLength(1);
    expect(after.phoneChange).toBeUndefined();
  });

  it(`counts every wrong activation code: at most ${MAX_CODE_ATTEMPTS} guesses, whatever the instance`, async () => {
    const { id, code } = await approved('activation guesses');
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => send(i % 2 ? other : hub, id, 'activate', { code: wrong(code) })),
    );
    expect(tally(results)).toEqual({
      INVALID_CODE: MAX_CODE_ATTEMPTS,
      TOO_MANY_ATTEMPTS: PARALLEL - MAX_CODE_ATTEMPTS,
    });
    // Every guess took one slot; the account's own counter is a lower bound when instances race
    // (the embedded store's $inc is a read-modify-write), never more than the slots.
    const slots = await fx.store.hubDb.collection(ACCOUNT_CODE_GUESSES_COLLECTION).countDocuments({ personalId: id });
    expect(slots).toBe(MAX_CODE_ATTEMPTS);
    expect((await fx.account(id))!.activationCode!.attempts).toBeLessThanOrEqual(MAX_CODE_ATTEMPTS);
    expect(codeOf(await send(hub, id, 'activate', { code }))).toBe('TOO_MANY_ATTEMPTS');
    expect((await fx.account(id))!.status).toBe('APPROVED');
  });

  it(`counts every wrong phone code: at most ${MAX_CODE_ATTEMPTS} guesses, whatever the instance`, async () => {
    const { id, phone } = await active('phone guesses');
    const next = newPhone();
    expect(codeOf(await send(hub, id, 'phoneStart', { phone: next }))).toBeNull();
    const code = notifier.lastCode(id, 'PHONE_VERIFICATION')!;
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        send(i % 2 ? other : hub, id, 'phoneChange', { input: { phone: next, verificationCode: wrong(code) } }),
      ),
    );
    expect(tally(results)).toEqual({
      INVALID_CODE: MAX_CODE_ATTEMPTS,
      TOO_MANY_ATTEMPTS: PARALLEL - MAX_CODE_ATTEMPTS,
    });
    expect(codeOf(await send(hub, id, 'phoneChange', { input: { phone: next, verificationCode: code } }))).toBe(
      'TOO_MANY_ATTEMPTS',
    );
    expect((await fx.account(id))!.phone).toBe(phone);
  });
});

describe('codes are written only to the state they were asked for', () => {
  it('a resend racing the activation never leaves a code on an active account', async () => {
    const { id, code } = await approved('resend+activate');
    const results = await Promise.all([
      send(hub, id, 'activate', { code }),
      ...Array.from({ length: PARALLEL }, (_, i) => send(i % 2 ? other : hub, id, 'resend')),
    ]);
    expect(codeOf(results[0])).toBeNull();
    const after = (await fx.account(id))!;
    expect(after.status).toBe('ACTIVE');
    expect(after.activationCode).toBeUndefined();
  });

  it('a phone-change start racing a lock never leaves a pending change on a locked account', async () => {
    const { id } = await active('start+lock');
    const results = await Promise.all([
      send(hub, id, 'lock', { via: 'APP' }),
      ...Array.from({ length: PARALLEL }, (_, i) => send(i % 2 ? other : hub, id, 'phoneStart', { phone: newPhone() })),
    ]);
    expect(codeOf(results[0])).toBeNull();
    const after = (await fx.account(id))!;
    expect(after.status).toBe('LOCKED');
    expect(after.phoneChange).toBeUndefined();
  });
});
