/**
 * Locking grounds and unlocking (Decree 69/2024/NĐ-CP as summarised) over the real store,
 * through the hub's GraphQL schema (prefix `alg_`): the ground recorded on the lock, who may
 * use which, and the holder lifting their own lock in the app at once.
 */
import { T0, activeAccount, call, citizen, ok, officer, setupFixture, type Fixture } from './support';

let fx: Fixture;

beforeAll(async () => {
  fx = await setupFixture('alg_', { citizens: 300, seed: 41 });
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

beforeEach(() => {
  fx.clock.set(T0);
});

describe('locking grounds', () => {
  it('the holder locks on their own request and lifts it in the app at once', async () => {
    const { person } = await activeAccount(fx, 'holder unlocks in the app');
    const me = citizen(person.personalId);
    const locked = await ok(fx.ex, me, 'lock');
    expect(locked).toMatchObject({ status: 'LOCKED', lockReason: 'HOLDER', lockGround: 'HOLDER_REQUEST' });
    const unlocked = await ok(fx.ex, me, 'unlock');
    expect(unlocked).toMatchObject({ status: 'ACTIVE', lockReason: null, lockGround: null });
    expect(unlocked.history.at(-1)).toMatchObject({ event: 'UNLOCK', by: 'citizen' });
    expect((await fx.account(person.personalId))!.status).toBe('ACTIVE');
  });

  it('the holder may use no other ground and cannot name another person', async () => {
    const { person } = await activeAccount(fx, 'holder with a wrong ground');
    const me = citizen(person.personalId);
    const r = await call(fx.ex, me, 'lock', { ground: 'TERMS_BREACH' });
    expect(r.code).toBe('LOCK_GROUND_NOT_ALLOWED');
    expect(r.account!.status).toBe('ACTIVE');
    const other = await activeAccount(fx, 'someone else');
    const foreign = await call(fx.ex, me, 'unlock', { id: other.person.personalId });
    expect(foreign.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SUBJECT' });
  });

  it.each(['TERMS_BREACH', 'CARD_REVOKED', 'AUTHORITY_REQUEST'])(
    'an officer locks on %s: recorded; the holder cannot lift it, an officer can',
    async (ground) => {
      const { person } = await activeAccount(fx, `officer lock ${ground}`);
      const id = person.personalId;
      const o = officer({ province: person.area!.province }, 'ACCOUNT_APPROVER', 'CA-ground');
      const locked = await ok(fx.ex, o, 'lock', { id, ground, reason: 'written request' });
      expect(locked).toMatchObject({ status: 'LOCKED', lockReason: 'OFFICER', lockGround: ground });
      const self = await call(fx.ex, citizen(id), 'unlock');
      expect(self.code).toBe('NOT_PERMITTED');
      expect(self.account!.status).toBe('LOCKED');
      expect((await ok(fx.ex, o, 'unlock', { id, ok: true })).status).toBe('ACTIVE');
    },
  );

  it("an officer may not use the system's grounds (death, expired card)", async () => {
    const { person } = await activeAccount(fx, 'officer with a system ground');
    const o = officer({ province: person.area!.province }, 'ACCOUNT_APPROVER');
    for (const ground of ['DECEASED', 'ID_CARD_EXPIRED']) {
      const r = await call(fx.ex, o, 'lock', { id: person.personalId, ground });
      expect(r.code).toBe('LOCK_GROUND_NOT_ALLOWED');
    }
    expect((await fx.account(person.personalId))!.status).toBe('ACTIVE');
  });

  it('a lock the holder asked for by the hotline is theirs to lift in the app', async () => {
    const { person } = await activeAccount(fx, 'hotline lock at the holder’s request');
    const id = person.personalId;
    const o = officer({ province: person.area!.province }, 'ACCOUNT_APPROVER');
    const locked = await ok(fx.ex, o, 'lock', { id, via: 'HOTLINE' });
    expect(locked).toMatchObject({ lockReason: 'OFFICER', lockGround: 'HOLDER_REQUEST' });
    expect((await ok(fx.ex, citizen(id), 'unlock')).status).toBe('ACTIVE');
  });
});
