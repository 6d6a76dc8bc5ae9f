import { mapCitizen } from '../../connectors/population/connector';
import type { CongDanDoc } from '../../connectors/population/model';
import type { AccountDoc } from '../../services/accounts/store';
import type { Store } from '../../store/connection';

/** Citizens of the shared test data set, picked by their account situation. */
export interface TestCitizens {
  /** ACTIVE Level 2, holds a driving licence. */
  l2: string;
  /** Another ACTIVE Level 2 citizen. */
  other: string;
  /** ACTIVE Level 1. */
  l1: string;
  /** LOCKED account. */
  locked: string;
  /** A living child with no account. */
  noAccount: string;
  /** Today's province and commune of `l2`. */
  area: { province: string; commune: string };
}

export async function pickTestCitizens(store: Store): Promise<TestCitizens> {
  const accounts = await store.hubDb.collection<AccountDoc>('accounts').find({}).toArray();
  const licenceHolders = new Set(
    (
      await store
        .db('gplx')
        .collection('licences')
        .find({}, { projection: { _id: 1 } })
        .toArray()
    ).map((d) => String(d._id)),
  );
  const active2 = accounts.filter((a) => a.status === 'ACTIVE' && a.level === 2);
  const l2 = active2.find((a) => licenceHolders.has(a._id))!._id;
  const withAccount = new Set(accounts.map((a) => a._id));
  const people = await store.db('pop').collection<CongDanDoc>('congDan').find({}).toArray();
  return {
    l2,
    other: active2.find((a) => a._id !== l2)!._id,
    l1: accounts.find((a) => a.status === 'ACTIVE' && a.level === 1)!._id,
    locked: accounts.find((a) => a.status === 'LOCKED')!._id,
    noAccount: people.find((p) => !withAccount.has(p._id) && p.trangThai === 'CON_SONG' && p.ngaySinh > '2015-01-01')!
      ._id,
    area: mapCitizen(people.find((p) => p._id === l2)!).area!,
  };
}
