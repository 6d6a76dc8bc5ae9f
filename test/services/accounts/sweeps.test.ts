/**
 * The daily sweeps over the real store (its own data set, prefix `acw_`) with an injectable
 * clock: closing the 7-day activation windows (and reopening by an officer), sending the
 * notices that failed at approval, locking the accounts whose chip ID card has expired, and
 * `accountSweepRun` for a supervisor's area.
 */
import { mapCitizen, type CitizenRecord } from '../../../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import type { StoredAccount } from '../../../services/accounts/model';
import type { Mutation } from '../../../generated/graphql';
import {
  DAY,
  HOUR,
  T0,
  call,
  citizen,
  endOfVnDay,
  newPhone,
  officer,
  ok,
  registerApproved,
  setupFixture,
  vn,
  withChip,
  type Fixture,
} from './support';

let fx: Fixture;

beforeAll(async () => {
  fx = await setupFixture('acw_', { citizens: 400, seed: 37 });
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.clock.set(T0);
  fx.notifier.failNext = 0;
});

const sweeps = () => fx.ex.accounts.sweeps;
const far = (p: CitizenRecord) =>
  officer({ province: fx.people.find((x) => x.area && x.area.province !== p.area!.province)!.area!.province });

const population = () => fx.store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);

/** Records the holder as deceased in the population source. */
async function recordDeath(id: string): Promise<void> {
  await population().updateOne({ _id: id }, { $set: { trangThai: 'DA_CHET', ngayMat: '2026-11-18' } });
}

const lockNotices = (id: string) =>
  fx.notifier.sent.filter((n) => n.personalId === id && n.template === 'ACCOUNT_LOCKED');

/** A seeded account of a living holder whose chip card is valid for years (so that only our edits expire it). */
function takeHolder(what: string, pred: (a: StoredAccount, p: CitizenRecord) => boolean): StoredAccount {
  return fx.takeAccount(
    what,
    (a, p) => withChip(p) && !!p.identityCard?.expiresOn && p.identityCard.expiresOn > '2030-01-01' && pred(a, p),
  );
}

describe('activation windows', () => {
  it('closes the window after day 7 (ACTIVATION_EXPIRED), then an officer reopens it with a new notice and window', async () => {
    const a = await registerApproved(fx, 'expires');
    const b = fx.take('other province', (p) => withChip(p) && p.area!.province !== a.person.area!.province);
    await ok(fx.ex, citizen(b.personalId), 'register', { input: { level: 1, phone: newPhone(), portraitRef: 'p' } });
    const id = a.person.personalId;
    const scope = { province: a.person.area!.province };

    // Day 7 (Friday 27 November, 23:59): still open.
    fx.clock.set(vn('2026-11-27', '23:59'));
    const open = await sweeps().closeActivationWindows(scope);
    expect(open.changes.map((c) => c.citizenId)).not.toContain(id);
    expect((await fx.account(id))!.status).toBe('APPROVED');

    // Day 8: closed by the sweep of the area; another province's account is left to its own sweep.
    fx.clock.set(vn('2026-11-28', '00:00'));
    const closed = await sweeps().closeActivationWindows(scope);
    expect(closed.changes.filter((c) => c.citizenId === id)).toEqual([
      expect.objectContaining({ event: 'EXPIRE_ACTIVATION', from: 'APPROVED', to: 'ACTIVATION_EXPIRED', by: 'system' }),
    ]);
    expect(closed.counts.activationExpired).toBe(closed.changes.filter((c) => c.event === 'EXPIRE_ACTIVATION').length);
    expect((await fx.account(b.personalId))!.status).toBe('APPROVED');
    const doc = (await fx.account(id))!;
    expect(doc.status).toBe('ACTIVATION_EXPIRED');
    expect(doc.activationCode).toBeUndefined();
    expect(doc.history.at(-1)).toMatchObject({
      event: 'EXPIRE_ACTIVATION',
      by: 'system',
      reason: 'not activated within 7 days of the notice',
    });
    // Running it again changes nothing.
    const again = await sweeps().closeActivationWindows(scope);
    expect(again.changes.map((c) => c.citizenId)).not.toContain(id);
    expect((await fx.account(id))!.seq).toBe(doc.seq);

    const me = citizen(id);
    expect((await call(fx.ex, me, 'activate', { code: a.code })).code).toBe('ACTIVATION_WINDOW_CLOSED');
    expect((await call(fx.ex, me, 'resend')).code).toBe('ILLEGAL_TRANSITION');
    expect((await call(fx.ex, me, 'myAccount')).account).toMatchObject({
      status: 'ACTIVATION_EXPIRED',
      activationDeadline: null,
    });

    // Reopening: an officer of the area only.
    fx.clock.set(vn('2026-12-02', '09:00'));
    const outside = await call(fx.ex, far(a.person), 'reopen', { id });
    expect(outside.code).toBe('OUT_OF_JURISDICTION');
    expect((await fx.account(id))!.status).toBe('ACTIVATION_EXPIRED');

    const sent = fx.notifier.sent.length;
    const reopened = await ok(fx.ex, officer(a.person.area!, 'ACCOUNT_APPROVER', 'CA-reopen'), 'reopen', { id });
    expect(reopened).toMatchObject({
      status: 'APPROVED',
      notifiedAt: fx.clock.t.toISOString(),
      activationDeadline: endOfVnDay('2026-12-09'),
    });
    expect(reopened.history.slice(-3).map((h) => [h.event, h.from, h.to, h.by])).toEqual([
      ['EXPIRE_ACTIVATION', 'APPROVED', 'ACTIVATION_EXPIRED', 'system'],
      ['REOPEN', 'ACTIVATION_EXPIRED', 'APPROVED', 'officer:CA-reopen'],
      ['NOTIFY', 'APPROVED', 'APPROVED', 'system'],
    ]);
    const notices = fx.notifier.sent.slice(sent).filter((n) => n.personalId === id);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ template: 'ACCOUNT_APPROVED', params: { activateBy: '2026-12-09' } });
    const code = notices[0].params.code;

    // The new window runs 7 days from the new notice.
    fx.clock.set(vn('2026-12-09', '23:00'));
    expect((await sweeps().closeActivationWindows(scope)).changes.map((c) => c.citizenId)).not.toContain(id);
    expect((await ok(fx.ex, me, 'activate', { code })).status).toBe('ACTIVE');
  });

  it('lets an officer reopen an APPROVED account once its window has closed, before the sweep marks it', async () => {
    const a = await registerApproved(fx, 'reopen before the sweep');
    const id = a.person.personalId;
    const o = officer(a.person.area!, 'ACCOUNT_APPROVER', 'CA-reopen-early');

    // Day 7: the window is open, the citizen can still activate.
    fx.clock.set(vn('2026-11-27', '23:59'));
    const early = await call(fx.ex, o, 'reopen', { id });
    expect(early.errors).toBeUndefined();
    expect(early.code).toBe('ACTIVATION_WINDOW_OPEN');
    expect((await fx.account(id))!.history).toHaveLength(3);

    // Day 8, before the sweep ran: still APPROVED, but closed; the officer reopens with a new window.
    fx.clock.set(vn('2026-11-28', '00:05'));
    expect((await fx.account(id))!.status).toBe('APPROVED');
    expect((await call(fx.ex, far(a.person), 'reopen', { id })).code).toBe('OUT_OF_JURISDICTION');
    const reopened = await ok(fx.ex, o, 'reopen', { id });
    expect(reopened).toMatchObject({
      status: 'APPROVED',
      notifiedAt: fx.clock.t.toISOString(),
      activationDeadline: endOfVnDay('2026-12-05'),
    });
    expect(reopened.history.slice(-3).map((h) => [h.event, h.from, h.to, h.by])).toEqual([
      ['NOTIFY', 'APPROVED', 'APPROVED', 'system'],
      ['REOPEN', 'APPROVED', 'APPROVED', 'officer:CA-reopen-early'],
      ['NOTIFY', 'APPROVED', 'APPROVED', 'system'],
    ]);
    const notice = fx.notifier.sent.filter((n) => n.personalId === id).at(-1)!;
    expect(notice).toMatchObject({
      template: 'ACCOUNT_APPROVED',
      channel: 'SMS',
      params: { activateBy: '2026-12-05' },
    });

    // The sweep then leaves it alone; the new code works, the old one does not.
    const swept = await sweeps().closeActivationWindows({ province: a.person.area!.province });
    expect(swept.changes.map((c) => c.citizenId)).not.toContain(id);
    if (notice.params.code !== a.code) {
      expect((await call(fx.ex, citizen(id), 'activate', { code: a.code })).code).toBe('INVALID_CODE');
    }
    expect((await ok(fx.ex, citizen(id), 'activate', { code: notice.params.code })).status).toBe('ACTIVE');
  });

  it('sends the notice the gateway refused at approval on the next sweep; the window starts then', async () => {
    const p = fx.take('notice failed', withChip);
    const id = p.personalId;
    fx.notifier.failNext = 1;
    const r = await call(fx.ex, citizen(id), 'register', { input: { level: 1, phone: newPhone(), portraitRef: 'p' } });
    expect(r.errors).toBeUndefined();
    expect(r.userErrors).toEqual([]);
    expect(r.account).toMatchObject({ status: 'APPROVED', notifiedAt: null, activationDeadline: null });
    expect(r.account!.history.map((h) => h.event)).toEqual(['REGISTER_L1', 'APPROVE']);
    expect(fx.notifier.lastCode(id)).toBeUndefined();
    const early = await call(fx.ex, citizen(id), 'activate', { code: '123456' });
    expect(early.userErrors).toHaveLength(1);
    expect((await fx.account(id))!.status).toBe('APPROVED');

    fx.clock.set(new Date(T0.getTime() + 6 * HOUR));
    const swept = await sweeps().closeActivationWindows({ province: p.area!.province });
    expect(swept.counts.noticesSent).toBeGreaterThanOrEqual(1);
    expect(swept.changes.filter((c) => c.citizenId === id).map((c) => c.event)).toEqual(['NOTIFY']);
    const code = fx.notifier.lastCode(id)!;
    expect(code).toMatch(/^\d{6}$/);
    const doc = (await fx.account(id))!;
    expect(doc.notifiedAt).toEqual(fx.clock.t);

    fx.clock.set(new Date(T0.getTime() + 2 * DAY));
    expect((await ok(fx.ex, citizen(id), 'activate', { code })).status).toBe('ACTIVE');
  });
});

describe('expired chip ID cards', () => {
  it('locks an account whose card expired yesterday, not one expiring today; unlocking needs a valid card', async () => {
    const today = takeHolder('expires today', (a) => a.status === 'ACTIVE');
    const yesterday = takeHolder('expired yesterday', (a) => a.status === 'ACTIVE');
    const holderLocked = takeHolder(
      'locked by the holder',
      (a) => a.status === 'LOCKED' && a.lockReason !== 'ID_CARD_EXPIRED',
    );
    const pending = takeHolder('pending', (a) => a.status === 'PENDING');
    await fx.setCardExpiry(today._id, '2026-11-20');
    await fx.setCardExpiry(yesterday._id, '2026-11-19');
    await fx.setCardExpiry(holderLocked._id, '2026-11-19');
    await fx.setCardExpiry(pending._id, '2026-11-19');

    fx.clock.set(vn('2026-11-20', '00:15'));
    const r = await sweeps().lockExpiredCards();
    const mine = (id: string) => r.changes.filter((c) => c.citizenId === id);
    expect(mine(today._id)).toEqual([]);
    expect((await fx.account(today._id))!.status).toBe('ACTIVE');
    expect(mine(yesterday._id)).toEqual([
      expect.objectContaining({ event: 'LOCK', from: 'ACTIVE', to: 'LOCKED', by: 'system' }),
    ]);
    const y = (await fx.account(yesterday._id))!;
    expect(y).toMatchObject({ status: 'LOCKED', lockReason: 'ID_CARD_EXPIRED' });
    // The holder is told, by SMS to the account's phone.
    expect(lockNotices(yesterday._id)).toEqual([
      {
        personalId: yesterday._id,
        channel: 'SMS',
        to: yesterday.phone,
        template: 'ACCOUNT_LOCKED',
        params: { reason: 'ID_CARD_EXPIRED' },
      },
    ]);
    expect(lockNotices(today._id)).toEqual([]);
    expect(y.history.at(-1)).toMatchObject({
      event: 'LOCK',
      by: 'system',
      reason: 'chip ID card expired on 2026-11-19',
    });
    // An existing lock is superseded by the expiry (so unlocking then needs a valid card).
    expect(mine(holderLocked._id)).toEqual([expect.objectContaining({ event: 'LOCK', from: 'LOCKED', to: 'LOCKED' })]);
    expect((await fx.account(holderLocked._id))!.lockReason).toBe('ID_CARD_EXPIRED');
    // Only ACTIVE and LOCKED accounts are locked.
    expect(mine(pending._id)).toEqual([]);
    expect((await fx.account(pending._id))!.status).toBe('PENDING');
    expect(r.counts.lockedExpiredCards + r.counts.lockedDeceased).toBe(r.changes.length);

    // Idempotent.
    const again = await sweeps().lockExpiredCards();
    expect(again.changes.map((c) => c.citizenId)).not.toContain(yesterday._id);
    expect(again.changes.map((c) => c.citizenId)).not.toContain(holderLocked._id);
    expect((await fx.account(yesterday._id))!.seq).toBe(y.seq);

    // The next day, the card that expired "today" is expired.
    fx.clock.set(vn('2026-11-21', '00:15'));
    const next = await sweeps().lockExpiredCards();
    expect(next.changes.filter((c) => c.citizenId === today._id)).toHaveLength(1);
    expect((await fx.account(today._id))!).toMatchObject({ status: 'LOCKED', lockReason: 'ID_CARD_EXPIRED' });

    // Unlocking while the card is still expired is refused, whatever the ownership proof.
    const o = officer({ province: yesterday.area.province }, 'ACCOUNT_APPROVER');
    expect((await call(fx.ex, o, 'unlock', { id: yesterday._id, ok: false })).code).toBe('OWNERSHIP_NOT_VERIFIED');
    const still = await call(fx.ex, o, 'unlock', { id: yesterday._id, ok: true });
    expect(still.code).toBe('ID_CARD_STILL_EXPIRED');
    expect(still.account).toMatchObject({ status: 'LOCKED', lockReason: 'ID_CARD_EXPIRED' });
    const o2 = officer({ province: holderLocked.area.province }, 'ACCOUNT_APPROVER');
    expect((await call(fx.ex, o2, 'unlock', { id: holderLocked._id, ok: true })).code).toBe('ID_CARD_STILL_EXPIRED');

    // Renewed: unlocked. A card is valid through its expiry day.
    await fx.setCardExpiry(yesterday._id, '2041-11-19');
    await fx.setCardExpiry(holderLocked._id, '2026-11-21');
    expect(await ok(fx.ex, o, 'unlock', { id: yesterday._id, ok: true })).toMatchObject({
      status: 'ACTIVE',
      lockReason: null,
    });
    expect((await ok(fx.ex, o2, 'unlock', { id: holderLocked._id, ok: true })).status).toBe('ACTIVE');
  });
});

describe('holders recorded as deceased', () => {
  it('locks ACTIVE accounts and those locked for another reason with HOLDER_DECEASED, silently; never unlocked', async () => {
    const active = takeHolder('deceased, ACTIVE', (a) => a.status === 'ACTIVE');
    const holderLocked = takeHolder(
      'deceased, locked by the holder',
      (a) => a.status === 'LOCKED' && a.lockReason !== 'ID_CARD_EXPIRED',
    );
    const cardLocked = takeHolder('deceased, card expired', (a) => a.status === 'ACTIVE');
    const pending = takeHolder('deceased, PENDING', (a) => a.status === 'PENDING');
    const alive = takeHolder('alive', (a) => a.status === 'ACTIVE');

    fx.clock.set(vn('2026-11-20', '00:15'));
    await fx.setCardExpiry(cardLocked._id, '2026-11-10');
    await sweeps().lockExpiredCards();
    expect((await fx.account(cardLocked._id))!.lockReason).toBe('ID_CARD_EXPIRED');

    for (const a of [active, holderLocked, cardLocked, pending]) await recordDeath(a._id);
    const sent = fx.notifier.sent.length;
    fx.clock.set(vn('2026-11-21', '00:15'));
    const r = await sweeps().lockExpiredCards();
    const mine = (id: string) => r.changes.filter((c) => c.citizenId === id);
    expect(mine(active._id)).toEqual([
      expect.objectContaining({ event: 'LOCK', from: 'ACTIVE', to: 'LOCKED', by: 'system' }),
    ]);
    for (const a of [holderLocked, cardLocked]) {
      expect(mine(a._id)).toEqual([expect.objectContaining({ event: 'LOCK', from: 'LOCKED', to: 'LOCKED' })]);
    }
    for (const a of [active, holderLocked, cardLocked]) {
      const doc = (await fx.account(a._id))!;
      expect(doc).toMatchObject({ status: 'LOCKED', lockReason: 'HOLDER_DECEASED' });
      expect(doc.history.at(-1)).toMatchObject({
        event: 'LOCK',
        by: 'system',
        reason: 'the holder is recorded as deceased',
      });
    }
    // Only ACTIVE and LOCKED accounts; the living are untouched.
    expect(mine(pending._id)).toEqual([]);
    expect((await fx.account(pending._id))!.status).toBe('PENDING');
    expect(mine(alive._id)).toEqual([]);
    // No notice to a deceased holder's phone.
    expect(
      fx.notifier.sent
        .slice(sent)
        .filter((n) => [active, holderLocked, cardLocked].some((a) => a._id === n.personalId)),
    ).toEqual([]);

    // Idempotent, and an expired card does not supersede it.
    await fx.setCardExpiry(active._id, '2026-11-10');
    const again = await sweeps().lockExpiredCards();
    for (const a of [active, holderLocked, cardLocked])
      expect(again.changes.map((c) => c.citizenId)).not.toContain(a._id);
    expect((await fx.account(active._id))!.lockReason).toBe('HOLDER_DECEASED');

    // Never unlocked, whatever the proof or the card.
    await fx.setCardExpiry(cardLocked._id, '2041-01-01');
    for (const a of [active, holderLocked, cardLocked]) {
      const before = await fx.account(a._id);
      const u = await call(fx.ex, officer({ province: a.area.province }, 'SUPERVISOR'), 'unlock', {
        id: a._id,
        ok: true,
      });
      expect(u.errors).toBeUndefined();
      expect(u.code).toBe('HOLDER_DECEASED');
      expect(u.account).toMatchObject({ status: 'LOCKED', lockReason: 'HOLDER_DECEASED' });
      expect(await fx.account(a._id)).toEqual(before);
    }
  });

  it('sweeps an account within the jurisdiction of the ACCOUNT’s area, even after the holder moved', async () => {
    const holder = takeHolder('moved away', (a) => a.status === 'ACTIVE');
    const newHome = fx.people.find((p) => p.area && p.area.province !== holder.area.province)!;
    const home = (await population().findOne({ _id: newHome.personalId }))!.noiThuongTru;
    await population().updateOne({ _id: holder._id }, { $set: { noiThuongTru: home } });
    await fx.setCardExpiry(holder._id, '2026-11-15');
    const moved = await fx.population(holder._id);
    expect(mapCitizen(moved!).area).toEqual(newHome.area);

    fx.clock.set(vn('2026-11-20', '00:15'));
    const there = await sweeps().lockExpiredCards({ province: newHome.area!.province });
    expect(there.changes.map((c) => c.citizenId)).not.toContain(holder._id);
    expect((await fx.account(holder._id))!.status).toBe('ACTIVE');

    const here = await sweeps().lockExpiredCards({ province: holder.area.province });
    expect(here.changes.filter((c) => c.citizenId === holder._id)).toEqual([
      expect.objectContaining({ event: 'LOCK', from: 'ACTIVE', to: 'LOCKED', by: 'system' }),
    ]);
    expect((await fx.account(holder._id))!).toMatchObject({ status: 'LOCKED', lockReason: 'ID_CARD_EXPIRED' });
  });
});

describe('accountSweepRun', () => {
  it('runs the sweeps for the supervisor’s area only, and reports and audits the transitions', async () => {
    const a = await registerApproved(fx, 'sweep run');
    const province = a.person.area!.province;
    const holder = takeHolder(
      'card expires, same province',
      (x) => x.status === 'ACTIVE' && x.area.province === province,
    );
    await fx.setCardExpiry(holder._id, '2026-11-25');
    fx.clock.set(vn('2026-11-28', '06:00'));

    const SWEEP = `mutation { accountSweepRun { lockedExpiredCards lockedDeceased activationExpired noticesSent areasRefreshed } }`;
    const other = fx.people.find((p) => p.area && p.area.province !== province)!.area!.province;
    const elsewhere = await fx.ex.exec(officer({ province: other }, 'SUPERVISOR'), SWEEP);
    expect(elsewhere.result.errors).toBeUndefined();
    const touched = (elsewhere.ctx.audit.accountChanges ?? []).map((c) => c.citizenId);
    expect(touched).not.toContain(a.person.personalId);
    expect(touched).not.toContain(holder._id);
    expect((await fx.account(a.person.personalId))!.status).toBe('APPROVED');
    expect((await fx.account(holder._id))!.status).toBe('ACTIVE');

    const here = await fx.ex.exec<Pick<Mutation, 'accountSweepRun'>>(officer({ province }, 'SUPERVISOR'), SWEEP);
    expect(here.result.errors).toBeUndefined();
    const counts = here.result.data!.accountSweepRun;
    expect(counts.lockedExpiredCards).toBeGreaterThanOrEqual(1);
    expect(counts.activationExpired).toBeGreaterThanOrEqual(1);
    expect(counts.areasRefreshed).toBe(0);
    const changes = here.ctx.audit.accountChanges ?? [];
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ citizenId: a.person.personalId, event: 'EXPIRE_ACTIVATION', by: 'system' }),
        expect.objectContaining({ citizenId: holder._id, event: 'LOCK', to: 'LOCKED', by: 'system' }),
      ]),
    );
    expect(changes.filter((c) => c.event === 'LOCK')).toHaveLength(counts.lockedExpiredCards + counts.lockedDeceased);
    expect(changes.filter((c) => c.event === 'EXPIRE_ACTIVATION')).toHaveLength(counts.activationExpired);
    expect((await fx.account(a.person.personalId))!.status).toBe('ACTIVATION_EXPIRED');
    expect((await fx.account(holder._id))!).toMatchObject({ status: 'LOCKED', lockReason: 'ID_CARD_EXPIRED' });
  });
});
