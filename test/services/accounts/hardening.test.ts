/**
 * Security review fixes on the accounts module, over the real store (its own data set, prefix
 * `ach_`) through GraphQL in-process: bounded free text and a bounded history (an account cannot
 * be grown until no transition commits), an unreadable ID-card expiry counted as not valid (fail
 * closed), reads that roll a stale account document forward to its last committed step, and the
 * audit of an officer's refused `account(personalId)` lookup.
 */
import { mapCitizen } from '../../../connectors/population/connector';
import { unreadableOf } from '../../../connectors/fields';
import { MAX_ACCOUNT_HISTORY } from '../../../services/accounts/lifecycle/machine';
import { ACCOUNTS_COLLECTION } from '../../../services/accounts/store';
import type { StoredAccount } from '../../../services/accounts/model';
import {
  T0,
  activeAccount,
  call,
  citizen,
  newPhone,
  officer,
  ok,
  setupFixture,
  withChip,
  type Fixture,
} from './support';

let fx: Fixture;

beforeAll(async () => {
  fx = await setupFixture('ach_', { citizens: 300, seed: 31 });
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.clock.set(T0);
});

const officerOf = (area: { province: string }) => officer({ province: area.province }, 'ACCOUNT_APPROVER', 'CA-hard-1');
/** An expiry the population connector cannot read (not a date). */
const UNREADABLE_EXPIRY = 'hết hạn?';

describe('free text is bounded before any transition', () => {
  it('refuses over-long reasons (lock by the holder, unlock, reject) with BAD_USER_INPUT, nothing written, input not echoed', async () => {
    const { person } = await activeAccount(fx, 'long reasons');
    const id = person.personalId;
    const events = (await fx.events(id)).length;
    const huge = 'x'.repeat(60_000);

    for (const [principal, op, vars] of [
      [citizen(id), 'lock', { reason: huge }],
      [citizen(id), 'lock', { reason: 'y'.repeat(501) }],
    ] as const) {
      const r = await call(fx.ex, principal, op, vars);
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason', max: 500 });
      expect(r.errors![0].message.length).toBeLessThan(200);
    }
    expect((await fx.account(id))!.status).toBe('ACTIVE');
    expect(await fx.events(id)).toHaveLength(events);

    // 500 characters is allowed.
    const locked = await ok(fx.ex, citizen(id), 'lock', { reason: 'z'.repeat(500) });
    expect(locked.history.at(-1)!.reason).toHaveLength(500);
    const o = officerOf(person.area!);
    const unlock = await call(fx.ex, o, 'unlock', { id, ok: true, reason: huge });
    expect(unlock.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    expect((await fx.account(id))!.status).toBe('LOCKED');

    // The service refuses them too (callers other than GraphQL).
    const direct = await fx.ex.accounts.service.unlock(
      { kind: 'officer', id: 'CA-hard-1', area: { province: person.area!.province } },
      id,
      true,
      huge,
    );
    expect(direct.userError?.code).toBe('INVALID_INPUT');
    expect((await fx.account(id))!.status).toBe('LOCKED');
  });

  it('refuses an over-long rejection reason', async () => {
    const p = fx.take('pending for reject', (c) => !withChip(c));
    const id = p.personalId;
    await ok(fx.ex, citizen(id), 'register', { input: { level: 1, phone: newPhone(), portraitRef: 'p' } });
    const r = await call(fx.ex, officerOf(p.area!), 'reject', { id, reason: 'r'.repeat(10_000) });
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    expect((await fx.account(id))!.status).toBe('PENDING');
  });

  it('refuses an e-mail over 254 characters or with a TLD over 63, and a portraitRef that is not a reference', async () => {
    const p = fx.take('bad registration inputs', withChip);
    const id = p.personalId;
    const register = (input: Record<string, unknown>) =>
      call(fx.ex, citizen(id), 'register', { input: { level: 1, phone: newPhone(), portraitRef: 'p', ...input } });

    const longTld = await register({ email: `a@example.${'c'.repeat(64)}` });
    expect(longTld.code).toBe('INVALID_EMAIL');
    expect(longTld.userErrors[0].message).not.toContain('c'.repeat(64));
    const long = await register({ email: `${'a'.repeat(60)}@${'b'.repeat(200)}.vn` });
    expect(long.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.email', max: 254 });
    const huge = await register({ portraitRef: 'p'.repeat(60_000) });
    expect(huge.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.portraitRef' });
    const spaces = await register({ portraitRef: 'not a reference <script>' });
    expect(spaces.code).toBe('INVALID_INPUT');
    const phone = await register({ phone: '0'.repeat(5_000) });
    expect(phone.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.phone' });
    expect(await fx.account(id)).toBeNull();

    // A bad phone number is not echoed back.
    const bad = await register({ phone: '12345678901234567890' });
    expect(bad.code).toBe('INVALID_PHONE');
    expect(bad.userErrors[0].message).not.toContain('12345678901234567890');

    const fine = await register({ email: `someone@example.${'c'.repeat(63)}`, portraitRef: 'app:portrait/1.jpg' });
    expect(fine.userErrors).toEqual([]);
  });

  it('keeps the last MAX_ACCOUNT_HISTORY entries on the account; the event log keeps every step', async () => {
    const { person } = await activeAccount(fx, 'history cap');
    const id = person.personalId;
    const svc = fx.ex.accounts.service;
    const o = { kind: 'officer' as const, id: 'CA-hard-1', area: { province: person.area!.province } };
    const cycles = Math.ceil(MAX_ACCOUNT_HISTORY / 2) + 3;
    for (let i = 0; i < cycles; i++) {
      expect((await svc.lock({ kind: 'citizen' }, id, { reason: `lock ${i}` })).userError).toBeNull();
      expect((await svc.unlock(o, id, true, `unlock ${i}`)).userError).toBeNull();
    }
    const a = (await fx.account(id))!;
    expect(a.status).toBe('ACTIVE');
    expect(a.history).toHaveLength(MAX_ACCOUNT_HISTORY);
    expect(a.history.at(-1)!.reason).toBe(`unlock ${cycles - 1}`);
    const events = await fx.events(id);
    expect(events.length).toBe(a.seq);
    expect(events.length).toBeGreaterThan(MAX_ACCOUNT_HISTORY);
    expect(events.at(-1)!.account.history).toHaveLength(MAX_ACCOUNT_HISTORY);
    // And the holder still locks it (the next step commits).
    expect((await ok(fx.ex, citizen(id), 'lock')).status).toBe('LOCKED');
  }, 120_000);
});

describe('an unreadable ID-card expiry is not a valid card (fail closed)', () => {
  it('is read as unreadable by the connector (the premise of the tests below)', async () => {
    const p = fx.take('premise', withChip);
    await fx.setCardExpiry(p.personalId, UNREADABLE_EXPIRY);
    const c = mapCitizen((await fx.population(p.personalId))!);
    expect(c.identityCard!.expiresOn).toBeNull();
    expect(unreadableOf(c.identityCard, 'expiresOn')).toBeDefined();
  });

  it('gives no automatic Level 1 approval', async () => {
    const p = fx.take('unreadable expiry, register', withChip);
    await fx.setCardExpiry(p.personalId, UNREADABLE_EXPIRY);
    const a = await ok(fx.ex, citizen(p.personalId), 'register', {
      input: { level: 1, phone: newPhone(), portraitRef: 'p' },
    });
    expect(a).toMatchObject({ status: 'PENDING', hasChipCard: false });
  });

  it('is locked by the sweep, and an ID_CARD_EXPIRED lock is not unlocked while the expiry is unreadable', async () => {
    const { person } = await activeAccount(fx, 'unreadable expiry, sweep');
    const id = person.personalId;
    await fx.setCardExpiry(id, UNREADABLE_EXPIRY);
    const swept = await fx.ex.accounts.sweeps.lockExpiredCards({ province: person.area!.province });
    expect(swept.changes.map((c) => c.citizenId)).toContain(id);
    expect(await fx.account(id)).toMatchObject({ status: 'LOCKED', lockReason: 'ID_CARD_EXPIRED' });

    const o = officerOf(person.area!);
    expect((await call(fx.ex, o, 'unlock', { id, ok: true })).code).toBe('ID_CARD_STILL_EXPIRED');
    // A readable, valid expiry: the unlock goes through.
    await fx.setCardExpiry(id, '2040-01-01');
    expect((await ok(fx.ex, o, 'unlock', { id, ok: true })).status).toBe('ACTIVE');
  });

  it('an ID_CARD_EXPIRED lock whose card became unreadable stays locked', async () => {
    const { person } = await activeAccount(fx, 'expired then unreadable');
    const id = person.personalId;
    await fx.setCardExpiry(id, '2020-01-01');
    await fx.ex.accounts.sweeps.lockExpiredCards({ province: person.area!.province });
    expect(await fx.account(id)).toMatchObject({ status: 'LOCKED', lockReason: 'ID_CARD_EXPIRED' });
    await fx.setCardExpiry(id, UNREADABLE_EXPIRY);
    expect((await call(fx.ex, officerOf(person.area!), 'unlock', { id, ok: true })).code).toBe('ID_CARD_STILL_EXPIRED');
  });
});

describe('a stale write-back never undoes a committed step', () => {
  const IDENTITY = `query($id: PersonalId!) { citizen(personalId: $id) { fullName } }`;

  it('an officer LOCK overwritten by an older document (another instance) still reads LOCKED, and the policy refuses', async () => {
    const { person } = await activeAccount(fx, 'stale write-back');
    const id = person.personalId;
    const me = citizen(id);
    const before = await fx.ex.exec(me, IDENTITY, { id });
    expect(before.result.errors).toBeUndefined();

    const stale = (await fx.account(id)) as StoredAccount;
    await ok(fx.ex, officerOf(person.area!), 'lock', { id });
    // Instance A's read-modify-write (a code resend, an attempts count) writes its old copy back.
    await fx.store.hubDb
      .collection<StoredAccount>(ACCOUNTS_COLLECTION)
      .replaceOne({ _id: id }, { ...stale, activationCode: undefined });
    expect((await fx.account(id))!.status).toBe('ACTIVE');
    fx.ex.caches.accounts.delete(id);

    // The disclosure policy reads the committed step.
    const after = await fx.ex.exec(me, IDENTITY, { id });
    expect((after.result.errors ?? []).map((e) => e.extensions?.reason)).toContain('ACCOUNT_INACTIVE');
    // The account reads (holder, officer) as LOCKED, and the document is repaired.
    expect((await ok(fx.ex, me, 'myAccount')).status).toBe('LOCKED');
    expect((await ok(fx.ex, officerOf(person.area!), 'account', { id })).status).toBe('LOCKED');
    expect((await fx.account(id))!.status).toBe('LOCKED');
  });
});

describe('audit of refused account lookups', () => {
  it("records a DENIED event for an officer's account(personalId) outside the area", async () => {
    const { person } = await activeAccount(fx, 'probe');
    const id = person.personalId;
    const other = fx.people.find((p) => p.area && p.area.province !== person.area!.province)!.area!.province;
    const r = await call(fx.ex, officer({ province: other }, 'SUPERVISOR'), 'account', { id });
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OUT_OF_JURISDICTION' });
    expect(r.ctx.audit.events).toEqual([
      expect.objectContaining({ citizenId: id, decision: 'DENIED', reason: 'OUT_OF_JURISDICTION' }),
    ]);
  });
});

describe('refusals do not echo long input', () => {
  it('an unknown area code is named only when it is short', async () => {
    const o = officer({ province: '01' }, 'SUPERVISOR');
    const q = `query($area: String!) { accountReport(area: $area, from: "2026-11-01", to: "2026-11-20") { area { code } } }`;
    const long = await fx.ex.exec(o, q, { area: 'A'.repeat(400) });
    expect(long.result.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(long.result.errors![0].message).not.toContain('AAAAAAAAAAAAAAAAA');
    const short = await fx.ex.exec(o, q, { area: '987' });
    expect(short.result.errors?.[0].message).toContain('"987"');
  });
});
