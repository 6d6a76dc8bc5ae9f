/**
 * Foreigners with a permanent or temporary residence card (Decree 69/2024/NĐ-CP Art. 7, 13 as
 * summarised) over the real store and the hub's GraphQL (prefix `afr_`): the generated foreigners'
 * cards as the population connector reads them, Level 1 in the app with a valid card (1 working
 * day), Level 2 from the sixth birthday (3 working days), the card's last day and the day after,
 * an unreadable card (fail closed), the upgrade after the card expired.
 */
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import type { CitizenRecord } from '../../../connectors/population/connector';
import { T0, ageOn, call, citizen, endOfVnDay, newPhone, officer, ok, setupFixture, vn, type Fixture } from './support';

let fx: Fixture;

beforeAll(async () => {
  fx = await setupFixture('afr_', { citizens: 2500, seed: 61 });
}, 120_000);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.clock.set(T0); // Friday 20 November 2026, 10:00 in Vietnam
});

const registered = () => new Set(fx.seeded.map((a) => a._id));
const used = new Set<string>();

/** A generated living foreigner without an account, aged [lo, hi) on 2026-11-20. */
function foreigner(lo: number, hi: number): CitizenRecord {
  const reg = registered();
  const p = fx.people.find(
    (c) =>
      c.nationality !== 'Việt Nam' &&
      c.vitalStatus === 'ALIVE' &&
      !!c.area &&
      !!c.dateOfBirth &&
      !reg.has(c.personalId) &&
      !used.has(c.personalId) &&
      ageOn(c.dateOfBirth, '2026-11-20') >= lo &&
      ageOn(c.dateOfBirth, '2026-11-20') < hi,
  );
  if (!p) throw new Error(`no foreigner aged ${lo} to ${hi}`);
  used.add(p.personalId);
  return p;
}

/** A fresh adult made a foreigner in the population record (nationality, no Vietnamese card). */
async function adultForeigner(): Promise<CitizenRecord> {
  const p = fx.take('adult', () => true);
  await pop().updateOne(
    { _id: p.personalId },
    { $set: { quocTich: 'Hàn Quốc', lichSuGiayTo: [] }, $unset: { theCanCuoc: '' } },
  );
  return p;
}

const pop = () => fx.store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);

/** Gives the person a temporary residence card issued on `issued`, valid through `expires`. */
async function setCard(id: string, issued: string, expires: unknown, extra: Record<string, unknown> = {}) {
  await pop().updateOne(
    { _id: id },
    {
      $set: {
        theCuTru: {
          loai: 'TAM_TRU',
          so: `TR${id.slice(-7)}`,
          ngayCap: issued,
          ngayHetHan: expires,
          noiCap: 'Cục Quản lý xuất nhập cảnh',
          ...extra,
        },
      } as Partial<CongDanDoc>,
    },
  );
}

const registerL1 = (id: string) =>
  call(fx.ex, citizen(id), 'register', { input: { level: 1, phone: newPhone(), portraitRef: 'app:p:1' } });
const registerL2 = (p: CitizenRecord) =>
  call(fx.ex, officer({ province: p.area!.province }), 'register', {
    input: { level: 2, personalId: p.personalId, phone: newPhone(), fingerprintsCaptured: true },
  });

describe('the generated foreigners', () => {
  it('carry a foreign nationality and a residence card the connector reads; an officer of the area sees it', async () => {
    const foreign = fx.people.filter((p) => p.nationality !== 'Việt Nam');
    expect(foreign.length).toBeGreaterThan(5);
    const withCard = foreign.filter((p) => p.residenceCard);
    expect(withCard.length).toBeGreaterThan(0);
    for (const p of withCard) {
      expect(['PERMANENT', 'TEMPORARY']).toContain(p.residenceCard!.kind);
      expect(p.residenceCard!.expiresOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(p.identityCard).toBeNull();
    }
    const p = withCard.find((c) => c.area)!;
    const { result } = await fx.ex.exec(
      officer({ province: p.area!.province }, 'ACCOUNT_APPROVER'),
      `query($id: PersonalId!) { citizen(personalId: $id) { nationality residenceCard { kind number issuedOn expiresOn expired } } }`,
      { id: p.personalId },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      citizen: {
        nationality: p.nationality,
        residenceCard: {
          kind: p.residenceCard!.kind,
          number: p.residenceCard!.number,
          issuedOn: p.residenceCard!.issuedOn,
          expiresOn: p.residenceCard!.expiresOn,
          expired: p.residenceCard!.expiresOn! < '2026-11-20',
        },
      },
    });
  });
});

describe('registration', () => {
  it('a foreigner with a valid temporary card registers Level 1 in the app: PENDING, due in 1 working day', async () => {
    const p = await adultForeigner();
    await setCard(p.personalId, '2025-01-10', '2027-01-09');
    const r = await registerL1(p.personalId);
    expect(r.userErrors).toEqual([]);
    // No automatic approval (the check reads chip ID cards); due Monday 23 November (Art. 13: 1 working day).
    expect(r.account).toMatchObject({ level: 1, status: 'PENDING', hasChipCard: false });
    expect(r.account!.approvalDueAt).toBe(endOfVnDay('2026-11-23'));
  });

  it('without a card, with an unreadable one, or one not yet issued: NOT_ELIGIBLE_NO_RESIDENCE_CARD', async () => {
    const none = await adultForeigner();
    await pop().updateOne({ _id: none.personalId }, { $unset: { theCuTru: '' } });
    expect((await registerL1(none.personalId)).code).toBe('NOT_ELIGIBLE_NO_RESIDENCE_CARD');

    const bad = await adultForeigner();
    await setCard(bad.personalId, '2025-01-10', 'không thời hạn');
    expect((await registerL1(bad.personalId)).code).toBe('NOT_ELIGIBLE_NO_RESIDENCE_CARD');
    // The API answers the unreadable expiry as SOURCE_DATA_INVALID, the rest of the card is served.
    const { result } = await fx.ex.exec(
      officer({ province: bad.area!.province }),
      `query($id: PersonalId!) { citizen(personalId: $id) { residenceCard { kind expiresOn expired } } }`,
      { id: bad.personalId },
    );
    expect(result.data).toEqual({ citizen: { residenceCard: { kind: 'TEMPORARY', expiresOn: null, expired: null } } });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['SOURCE_DATA_INVALID', 'SOURCE_DATA_INVALID']);

    const kind = await adultForeigner();
    await setCard(kind.personalId, '2025-01-10', '2027-01-09', { loai: 'VISA' });
    expect((await registerL1(kind.personalId)).code).toBe('NOT_ELIGIBLE_NO_RESIDENCE_CARD');

    const future = await adultForeigner();
    await setCard(future.personalId, '2026-11-21', '2028-11-20');
    expect((await registerL1(future.personalId)).code).toBe('NOT_ELIGIBLE_NO_RESIDENCE_CARD');
  });

  it("the card's expiry day is its last valid day; the day after, refused", async () => {
    const last = await adultForeigner();
    await setCard(last.personalId, '2024-11-20', '2026-11-20');
    fx.clock.set(vn('2026-11-20', '23:30'));
    const r = await registerL1(last.personalId);
    expect(r.userErrors).toEqual([]);
    expect(r.account!.approvalDueAt).toBe(endOfVnDay('2026-11-23'));

    const after = await adultForeigner();
    await setCard(after.personalId, '2024-11-20', '2026-11-20');
    fx.clock.set(vn('2026-11-21', '00:30'));
    expect((await registerL1(after.personalId)).code).toBe('NOT_ELIGIBLE_NO_RESIDENCE_CARD');
  });

  it('Level 2 in person: refused the day before the sixth birthday, allowed on it (3 working days)', async () => {
    const child = foreigner(0, 14);
    // Six on Wednesday 25 November 2026.
    await pop().updateOne({ _id: child.personalId }, { $set: { ngaySinh: '2020-11-25' } });
    await setCard(child.personalId, '2025-06-01', '2027-05-31');
    fx.clock.set(vn('2026-11-24'));
    expect((await registerL2(child)).code).toBe('NOT_ELIGIBLE_TOO_YOUNG');
    // Level 1 through a guardian is not this request; in the app the child cannot register.
    expect((await registerL1(child.personalId)).code).toBe('NOT_ELIGIBLE_TOO_YOUNG');
    fx.clock.set(vn('2026-11-25'));
    const r = await registerL2(child);
    expect(r.userErrors).toEqual([]);
    expect(r.account).toMatchObject({ level: 2, status: 'PENDING' });
    expect(r.account!.approvalDueAt).toBe(endOfVnDay('2026-11-30'));
  });

  it('a Level 2 upgrade once the card has expired is refused; with a valid card it is due in 3 working days', async () => {
    const p = await adultForeigner();
    await setCard(p.personalId, '2024-12-01', '2026-11-30');
    const o = officer({ province: p.area!.province });
    await ok(fx.ex, citizen(p.personalId), 'register', {
      input: { level: 1, phone: newPhone(), portraitRef: 'app:p:1' },
    });
    await ok(fx.ex, o, 'approve', { id: p.personalId });
    const code = fx.notifier.lastCode(p.personalId);
    await ok(fx.ex, citizen(p.personalId), 'activate', { code });
    fx.clock.set(vn('2026-12-01'));
    const refused = await call(fx.ex, o, 'upgrade', { id: p.personalId, fp: true });
    expect(refused.code).toBe('NOT_ELIGIBLE_NO_RESIDENCE_CARD');
    await setCard(p.personalId, '2026-11-30', '2028-11-29');
    const up = await call(fx.ex, o, 'upgrade', { id: p.personalId, fp: true });
    expect(up.userErrors).toEqual([]);
    expect(up.account).toMatchObject({ level: 1, pendingLevel: 2 });
    // Tuesday 1 December + 3 working days = Friday 4 December.
    expect(up.account!.approvalDueAt).toBe(endOfVnDay('2026-12-04'));
  });
});

describe('the residence card expiring under an active account', () => {
  it('the sweep keeps the account on the last day, locks it the day after; unlocked only with a valid card', async () => {
    const p = await adultForeigner();
    await setCard(p.personalId, '2024-12-01', '2026-11-25');
    const o = officer({ province: p.area!.province });
    await ok(fx.ex, citizen(p.personalId), 'register', {
      input: { level: 1, phone: newPhone(), portraitRef: 'app:p:1' },
    });
    await ok(fx.ex, o, 'approve', { id: p.personalId });
    await ok(fx.ex, citizen(p.personalId), 'activate', { code: fx.notifier.lastCode(p.personalId) });
    const supervisor = officer({ province: p.area!.province }, 'SUPERVISOR');

    fx.clock.set(vn('2026-11-25', '23:00'));
    expect((await call(fx.ex, supervisor, 'sweep')).errors).toBeUndefined();
    expect(await fx.account(p.personalId)).toMatchObject({ status: 'ACTIVE' });

    fx.clock.set(vn('2026-11-26', '01:00'));
    expect((await call(fx.ex, supervisor, 'sweep')).errors).toBeUndefined();
    const locked = await fx.account(p.personalId);
    expect(locked).toMatchObject({ status: 'LOCKED', lockReason: 'ID_CARD_EXPIRED', lockGround: 'ID_CARD_EXPIRED' });
    expect(locked!.history.at(-1)!.reason).toBe('residence card not valid on 2026-11-26 (expiry 2026-11-25)');

    const refused = await call(fx.ex, o, 'unlock', { id: p.personalId, ok: true, reason: 'in person' });
    expect(refused.code).toBe('ID_CARD_STILL_EXPIRED');
    await setCard(p.personalId, '2026-11-26', '2028-11-25');
    const unlocked = await call(fx.ex, o, 'unlock', { id: p.personalId, ok: true, reason: 'new residence card' });
    expect(unlocked.userErrors).toEqual([]);
    expect(unlocked.account).toMatchObject({ status: 'ACTIVE' });
  });
});
