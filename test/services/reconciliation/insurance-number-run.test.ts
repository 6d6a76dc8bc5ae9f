import type { Principal } from '../../../services/access/auth/principal';
import { SOURCES } from '../../../connectors/registry';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../../connectors/population/model';
import type { SoBhxhDoc } from '../../../connectors/social-insurance/model';
import { seed } from '../../../mockdata/seed/index';
import type { Store } from '../../../store/connection';
import type { Mutation, Query } from '../../../generated/graphql';
import { createExecutor } from '../../support/exec';
import { connectTestStore } from '../../support/hub';

/**
 * A reconciliation run over the real store on both kinds of social-insurance key
 * (docs/reconciliation-rules.md, section 4): a book filed under its older 10-digit number links to
 * the person whose ID it carries (OLD_ID_KEY), a book whose personal-ID number is not its
 * person's is a MISMATCH on SOCIAL_INSURANCE_NUMBER, and the books keyed by the personal ID with
 * either kind of number are clean. Own data set under `rin_`.
 */
let store: Store;
let ex: Awaited<ReturnType<typeof createExecutor>>;
let province: string;
/** P: has a book, numbered by the older number; Q: no book of their own; R: a book numbered by the personal ID. */
let p: string;
let q: string;
let r: string;
const OLDER = '7912345678';

const officer = (area: string) =>
  ({
    kind: 'OFFICER',
    officerId: `o-${area}-DATA_CLEANING`,
    role: 'DATA_CLEANING',
    jurisdiction: { province: area },
    unit: 'CA',
    issuer: 'test',
  }) as Principal;

const START = `mutation($a: String!) { reconciliationRunStart(area: $a) { id } }`;
const CASES = `query($a: String!, $k: DefectKind) { reconciliationCases(area: $a, source: SOCIAL_INSURANCE, kind: $k, first: 100) {
  nodes { kind field recordKey personalId sourceValue populationValue comparison { field population { raw } source { raw } } } } }`;
type Cases = Pick<Query, 'reconciliationCases'>;

beforeAll(async () => {
  store = await connectTestStore('rin_');
  await seed(store, { citizens: 300, seed: 1608, rates: { MALFORMED: 0, MISMATCH: 0, OLD_ID_KEY: 0, DUPLICATE: 0 } });
  ex = await createExecutor(store);
  const people = await store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION).find({}).toArray();
  const books = store.db(SOURCES.socialInsurance.db).collection<SoBhxhDoc>(SOURCES.socialInsurance.collection);
  const withBook = new Set((await books.find({}).toArray()).map((b) => b._id));
  // Living people with today's address, in the province with most of them.
  const here = people.filter((d) => d.trangThai === 'CON_SONG' && !d.noiThuongTru.huyen);
  const count = new Map<string, number>();
  for (const d of here) count.set(d.noiThuongTru.tinh.ma, (count.get(d.noiThuongTru.tinh.ma) ?? 0) + 1);
  province = [...count].sort((a, b) => b[1] - a[1])[0][0];
  const local = here.filter((d) => d.noiThuongTru.tinh.ma === province);
  const booked = local.filter((d) => withBook.has(d._id));
  p = booked[0]._id;
  r = booked[1]._id;
  q = local.find((d) => !withBook.has(d._id))!._id;
  const bookOf = async (id: string) => (await books.findOne({ _id: id }))!;
  // P's book: its number typed one digit off in the personal-ID form.
  const typo = p.slice(0, 11) + String((Number(p[11]) + 1) % 10);
  await books.replaceOne({ _id: p }, { ...(await bookOf(p)), maSoBhxh: typo });
  // R's book: numbered by R's personal ID, the older number kept (converted): clean.
  await books.replaceOne({ _id: r }, { ...(await bookOf(r)), maSoBhxh: r, maSoBhxhCu: '7900000001' });
  // Q's book, filed under its older number, carrying Q's personal ID (made from R's, Q's identity).
  const qDoc = people.find((d) => d._id === q)!;
  const [dd, mm, yyyy] = [qDoc.ngaySinh.slice(8, 10), qDoc.ngaySinh.slice(5, 7), qDoc.ngaySinh.slice(0, 4)];
  await books.insertOne({
    ...(await bookOf(r)),
    _id: OLDER,
    maSoBhxh: q,
    maSoBhxhCu: OLDER,
    hoTen: qDoc.hoTen
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .toUpperCase(),
    ngaySinh: `${dd}/${mm}/${yyyy}`,
    gioiTinh: qDoc.gioiTinh === 'Nam' ? 'NAM' : 'NU',
  });
  const start = await ex.exec<Pick<Mutation, 'reconciliationRunStart'>>(officer(province), START, { a: province });
  expect(start.result.errors).toBeUndefined();
  await ex.reconciliation.wait(start.result.data!.reconciliationRunStart.id);
}, 180_000);

afterAll(async () => {
  await ex?.stop();
  await store?.close();
});

describe('a run over social-insurance books keyed and numbered both ways', () => {
  it('a book filed under its older 10-digit number is linked to the person whose ID it carries: OLD_ID_KEY', async () => {
    const { result } = await ex.exec<Cases>(officer(province), CASES, { a: province, k: 'OLD_ID_KEY' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.reconciliationCases.nodes).toEqual([
      expect.objectContaining({
        kind: 'OLD_ID_KEY',
        recordKey: OLDER,
        personalId: q,
        sourceValue: OLDER,
        populationValue: q,
      }),
    ]);
  });

  it("a personal-ID number that is not the person's is a MISMATCH on SOCIAL_INSURANCE_NUMBER, both sides labelled", async () => {
    const { result } = await ex.exec<Cases>(officer(province), CASES, { a: province, k: 'MISMATCH' });
    expect(result.errors).toBeUndefined();
    const typo = p.slice(0, 11) + String((Number(p[11]) + 1) % 10);
    expect(result.data!.reconciliationCases.nodes).toEqual([
      {
        kind: 'MISMATCH',
        field: 'SOCIAL_INSURANCE_NUMBER',
        recordKey: p,
        personalId: p,
        sourceValue: typo,
        populationValue: p,
        comparison: { field: 'SOCIAL_INSURANCE_NUMBER', population: { raw: p }, source: { raw: typo } },
      },
    ]);
  });

  it('the converted book keyed by the personal ID, and every other book, is clean', async () => {
    const { result } = await ex.exec<Cases>(officer(province), CASES, { a: province, k: null });
    const keys = result.data!.reconciliationCases.nodes.map((n) => `${n.kind}:${n.recordKey}`).sort();
    expect(keys).toEqual([`MISMATCH:${p}`, `OLD_ID_KEY:${OLDER}`].sort());
    expect(keys.some((k) => k.endsWith(r))).toBe(false);
  });
});
