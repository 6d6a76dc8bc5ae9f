import { seed } from '../../../mockdata/seed/index';
import { mapCitizen } from '../../../connectors/population/connector';
import type { CongDanDoc } from '../../../connectors/population/model';
import type { Principal } from '../../../services/access/auth/principal';
import type { AccountDoc } from '../../../services/accounts/store';
import type { Store } from '../../../store/connection';
import type { Query } from '../../../generated/graphql';
import { createExecutor } from '../../support/exec';
import { connectTestStore } from '../../support/hub';

/** Children under 14 and wards are shown under the holder's account, under the FAMILY rules. */
let store: Store;
let ex: Awaited<ReturnType<typeof createExecutor>>;
let accounts: AccountDoc[];
let withChildren: Set<string>;

const QUERY = `{ myAccount { level status dependants { personalId fullName dateOfBirth relationship } } }`;

beforeAll(async () => {
  store = await connectTestStore('acd_');
  await seed(store, { citizens: 300, seed: 19 });
  ex = await createExecutor(store);
  accounts = await store.hubDb.collection<AccountDoc>('accounts').find({}).toArray();
  const people = (await store.db('pop').collection<CongDanDoc>('congDan').find({}).toArray()).map(mapCitizen);
  withChildren = new Set(people.filter((p) => (p.family.dependants?.length ?? 0) > 0).map((p) => p.personalId));
}, 120_000);

afterAll(async () => {
  await ex.stop();
  await store.close();
});

type MyAccount = Pick<Query, 'myAccount'>;
const citizen = (id: string): Principal => ({ kind: 'CITIZEN', personalId: id, issuer: 'test' });

describe('Account.dependants', () => {
  it('lists the children under 14 for an ACTIVE Level 2 holder, each audited', async () => {
    const holder = accounts.find((a) => a.status === 'ACTIVE' && a.level === 2 && withChildren.has(a._id))!;
    const { result, ctx } = await ex.exec<MyAccount>(citizen(holder._id), QUERY);
    expect(result.errors).toBeUndefined();
    const deps = result.data!.myAccount!.dependants!;
    expect(deps.length).toBeGreaterThan(0);
    for (const d of deps) expect(d.dateOfBirth !== null && d.dateOfBirth > '2012-01-01').toBe(true);
    // Each dependant named: IDENTITY of their own, at their place in the list.
    const audited = new Set(
      ctx.audit.events
        .filter((e) => e.path.startsWith('myAccount.dependants.') && e.scope === 'IDENTITY')
        .map((e) => e.citizenId),
    );
    for (const d of deps) if (d.personalId) expect(audited.has(d.personalId)).toBe(true);
  });

  it('withholds them from a Level 1 holder (LEVEL_TOO_LOW) and a locked one (ACCOUNT_INACTIVE)', async () => {
    const l1 = accounts.find((a) => a.status === 'ACTIVE' && a.level === 1)!;
    const r1 = await ex.exec<MyAccount>(citizen(l1._id), QUERY);
    expect(r1.result.data!.myAccount!.dependants).toBeNull();
    expect(r1.result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'LEVEL_TOO_LOW' });
    const locked = accounts.find((a) => a.status === 'LOCKED')!;
    const r2 = await ex.exec(citizen(locked._id), QUERY);
    expect(r2.result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_INACTIVE' });
  });

  it('never shows them to officers', async () => {
    const holder = accounts.find((a) => a.status === 'ACTIVE' && a.level === 2 && withChildren.has(a._id))!;
    const officer: Principal = {
      kind: 'OFFICER',
      officerId: 'o-1',
      role: 'ACCOUNT_APPROVER',
      jurisdiction: { province: holder.area.province },
      unit: 'CA',
      issuer: 'test',
    };
    const { result } = await ex.exec<Pick<Query, 'account'>>(
      officer,
      `query($id: PersonalId!) { account(personalId: $id) { status dependants { fullName } } }`,
      {
        id: holder._id,
      },
    );
    expect(result.data!.account!.status).toBe('ACTIVE');
    expect(result.data!.account!.dependants).toBeNull();
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});
