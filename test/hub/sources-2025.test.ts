import { randomUUID } from 'node:crypto';
import type { Document } from 'mongodb';
import { SOURCES } from '../../connectors/registry';
import type { TheBhytDoc } from '../../connectors/health-insurance/model';
import type { HealthBookDoc } from '../../connectors/health-record/model';
import type { SoBhxhDoc } from '../../connectors/social-insurance/model';
import { seed } from '../../mockdata/seed/index';
import type { SourceName } from '../../mockdata/seed-meta';
import { ACCOUNTS_COLLECTION, type AccountDoc } from '../../services/accounts/store';
import type { AuditRecordDoc } from '../../services/audit/model';
import { AUDIT_COLLECTION } from '../../services/audit/writer';
import { gql, startTestHub, type TestHub } from '../support/hub';
import { testKeys } from '../support/keys';

/**
 * The sources as they are in 2025–2026 over real HTTP on the real store (docs/domain.md, "The
 * sources since 2025"): the health book's vaccinations and treatment episodes for a Level 2
 * citizen and not for a Level 1 one, electronic-only health-insurance cards by their issue date,
 * social-insurance numbers old and new. Own data set under `s16_`.
 */

const keys = testKeys();
let hub: TestHub;
let l2: string;
let l1: string;
let book: HealthBookDoc;

const collection = (source: SourceName) => hub.store.db(SOURCES[source].db).collection(SOURCES[source].collection);

async function put(source: SourceName, doc: Document): Promise<void> {
  await collection(source).replaceOne({ _id: doc._id as string } as never, doc, { upsert: true });
}

const HEALTH = `query($id: PersonalId!) { citizen(personalId: $id) { healthRecord {
  vaccinations { vaccine date dose }
  treatmentEpisodes { kind start end facility { code name } diagnoses { icd10 name } outcome treatment } } } }`;
const CARD = `query($id: PersonalId!) { citizen(personalId: $id) { healthInsurance { socialInsuranceCode issuedOn form } } }`;
const BOOK = `query($id: PersonalId!) { citizen(personalId: $id) { socialInsurance {
  socialInsuranceNumber socialInsuranceNumberKind legacySocialInsuranceNumber } } }`;

async function read<T>(query: string, id: string) {
  const requestId = `s16-${randomUUID()}`;
  const r = await gql<{ citizen: T | null }>(
    hub.url,
    query,
    { id },
    { authorization: `Bearer ${keys.citizen(id)}`, 'x-request-id': requestId },
  );
  expect(r.status).toBe(200);
  return { r, requestId };
}

beforeAll(async () => {
  hub = await startTestHub({}, 's16_');
  await seed(hub.store, { citizens: 200, seed: 1608, rates: { MALFORMED: 0 } });
  const accounts = await hub.store.hubDb
    .collection<AccountDoc>(ACCOUNTS_COLLECTION)
    .find({ status: 'ACTIVE' })
    .toArray();
  l2 = accounts.find((a) => a.level === 2)!._id;
  l1 = accounts.find((a) => a.level === 1)!._id;
  expect(l2).toBeDefined();
  expect(l1).toBeDefined();
  // A seeded health book with vaccinations and an episode, as each citizen's own.
  const books = await collection('healthRecord').find({}).toArray();
  const some = (v: unknown) => Array.isArray(v) && v.length > 0;
  const found = books.find((d) => some(d.episodes) && some(d.immunizations)) as unknown as HealthBookDoc;
  expect(found).toBeDefined();
  book = { ...found, _id: l2 };
  await put('healthRecord', book);
  await put('healthRecord', { ...found, _id: l1 });
}, 180_000);

afterAll(async () => {
  await hub?.close();
});

describe('the health book: vaccinations and treatment episodes (Level 2 and the HEALTH_RECORD scope)', () => {
  it('a Level 2 citizen sees their vaccinations and episodes, as the source holds them, and the audit records them', async () => {
    const { r, requestId } = await read<{ healthRecord: Record<string, unknown[]> }>(HEALTH, l2);
    expect(r.body.errors).toBeUndefined();
    const hr = r.body.data!.citizen!.healthRecord;
    expect(hr.vaccinations).toEqual(
      book.immunizations.map((v) => ({ vaccine: v.vaccine, date: v.date, dose: v.dose })),
    );
    const first = book.episodes![0];
    expect(hr.treatmentEpisodes).toHaveLength(book.episodes!.length);
    expect(hr.treatmentEpisodes[0]).toEqual({
      kind: { inpatient: 'INPATIENT', 'day-care': 'DAY_CARE', outpatient: 'OUTPATIENT' }[first.kind],
      start: first.start,
      end: first.end,
      facility: first.facility,
      diagnoses: first.diagnoses.map((d) => ({ icd10: d.code, name: d.display })),
      outcome: first.outcome === null ? null : first.outcome.toUpperCase(),
      treatment: first.summary,
    });
    const audit = await hub.store.hubDb.collection<AuditRecordDoc>(AUDIT_COLLECTION).find({ requestId }).toArray();
    const disclosed = audit.flatMap((a) => a.citizens.flatMap((c) => c.disclosed));
    // Audited per paper: the health book disclosed to its holder.
    expect(disclosed.find((d) => d.scope === 'HEALTH_RECORD')?.paths).toEqual(['citizen.healthRecord']);
  });

  it('a Level 1 citizen gets FORBIDDEN LEVEL_TOO_LOW for the book, and its source is not asked', async () => {
    const { r } = await read<{ healthRecord: unknown }>(HEALTH, l1);
    expect(r.body.data!.citizen!.healthRecord).toBeNull();
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors![0]).toMatchObject({
      path: ['citizen', 'healthRecord'],
      extensions: { code: 'FORBIDDEN', reason: 'LEVEL_TOO_LOW', required: { scope: 'HEALTH_RECORD', level: 2 } },
    });
    expect(r.headers.get('x-hub-source-calls')).toBe('0');
  });
});

describe('health-insurance cards: electronic when issued since 1 June 2025, paper only when recorded', () => {
  let card: TheBhytDoc;
  beforeAll(async () => {
    card = { ...((await collection('healthInsurance').findOne({})) as unknown as TheBhytDoc), _id: l2 };
  });

  it.each([
    ['issued 15/07/2025, electronic', { NGAY_CAP: '15/07/2025', HINH_THUC_THE: 'DIEN_TU' }, '2025-07-15', 'ELECTRONIC'],
    [
      'issued 01/06/2025, no form recorded',
      { NGAY_CAP: '01/06/2025', HINH_THUC_THE: undefined },
      '2025-06-01',
      'ELECTRONIC',
    ],
    [
      'issued 31/05/2025, no form recorded',
      { NGAY_CAP: '31/05/2025', HINH_THUC_THE: undefined },
      '2025-05-31',
      'PAPER',
    ],
    ['issued 20/06/2025, paper by exception', { NGAY_CAP: '20/06/2025', HINH_THUC_THE: 'GIAY' }, '2025-06-20', 'PAPER'],
    ['no issue date, no form recorded', { NGAY_CAP: undefined, HINH_THUC_THE: undefined }, null, null],
  ] as const)('%s', async (_label, over, issuedOn, form) => {
    const doc: Document = { ...card, ...over };
    for (const k of ['NGAY_CAP', 'HINH_THUC_THE'] as const) if (over[k] === undefined) delete doc[k];
    await put('healthInsurance', doc);
    const { r } = await read<{ healthInsurance: Record<string, unknown> }>(CARD, l2);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.citizen!.healthInsurance).toMatchObject({ issuedOn, form });
  });

  it('an unknown form code is SOURCE_DATA_INVALID naming the field, never the value', async () => {
    await put('healthInsurance', { ...card, NGAY_CAP: '20/06/2025', HINH_THUC_THE: 'NHUA' });
    const { r } = await read<{ healthInsurance: Record<string, unknown> }>(CARD, l2);
    expect(r.body.data!.citizen!.healthInsurance).toMatchObject({ form: null, issuedOn: '2025-06-20' });
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        path: ['citizen', 'healthInsurance', 'form'],
        extensions: {
          code: 'SOURCE_DATA_INVALID',
          source: 'healthInsurance',
          field: 'HINH_THUC_THE',
          problem: 'UNKNOWN_CODE',
        },
      }),
    ]);
    expect(JSON.stringify(r.body.errors)).not.toContain('NHUA');
  });
});

describe('social-insurance numbers: the personal ID since 1 August 2025, the older 10 digits kept', () => {
  let base: SoBhxhDoc;
  beforeAll(async () => {
    base = { ...((await collection('socialInsurance').findOne({})) as unknown as SoBhxhDoc), _id: l2 };
    delete base.maSoBhxhCu;
  });

  it.each([
    ['an older book', { maSoBhxh: '0112345678' }, '0112345678', 'LEGACY', '0112345678'],
    ['a converted book', { maSoBhxh: 'ID', maSoBhxhCu: '0112345678' }, 'ID', 'PERSONAL_ID', '0112345678'],
    ['a book opened since 1 August 2025', { maSoBhxh: 'ID' }, 'ID', 'PERSONAL_ID', null],
  ] as const)('%s', async (_label, over, number, kind, legacy) => {
    const id = (v: string) => (v === 'ID' ? l2 : v);
    const doc: SoBhxhDoc = { ...base, ...over, maSoBhxh: id(over.maSoBhxh) };
    await put('socialInsurance', doc);
    const { r } = await read<{ socialInsurance: Record<string, unknown> }>(BOOK, l2);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.citizen!.socialInsurance).toEqual({
      socialInsuranceNumber: id(number),
      socialInsuranceNumberKind: kind,
      legacySocialInsuranceNumber: legacy,
    });
  });
});

describe('share by QR: the new fields are shareable and show what the citizen sees', () => {
  it('an officer redeeming sees the card form, the number kind and older number, and the episodes', async () => {
    const card = (await collection('healthInsurance').findOne({})) as unknown as TheBhytDoc;
    await put('healthInsurance', { ...card, _id: l2, NGAY_CAP: '15/07/2025', HINH_THUC_THE: 'DIEN_TU' });
    const bookDoc = (await collection('socialInsurance').findOne({})) as unknown as SoBhxhDoc;
    await put('socialInsurance', { ...bookDoc, _id: l2, maSoBhxh: l2, maSoBhxhCu: '0112345678' });
    const fields = [
      'HEALTH_INSURANCE_ISSUED_ON',
      'HEALTH_INSURANCE_FORM',
      'SOCIAL_INSURANCE_NUMBER_KIND',
      'SOCIAL_INSURANCE_LEGACY_NUMBER',
      'HEALTH_RECORD_TREATMENT_EPISODES',
    ];
    const own = await read<{ healthRecord: { treatmentEpisodes: unknown[] } }>(HEALTH, l2);
    const made = await gql<{ shareCreate: { code: string } }>(
      hub.url,
      `mutation($input: ShareCreateInput!) { shareCreate(input: $input) { code } }`,
      { input: { fields } },
      { authorization: `Bearer ${keys.citizen(l2)}` },
    );
    expect(made.body.errors).toBeUndefined();
    const redeemed = await gql<{
      shareRedeem: { papers: Array<{ paper: string; fields: Array<{ field: string; value: unknown }> }> };
    }>(
      hub.url,
      `mutation($code: String!) { shareRedeem(code: $code) { papers { paper fields { field value } } } }`,
      { code: made.body.data!.shareCreate.code },
      { authorization: `Bearer ${keys.officer('DATA_CLEANING', { province: '01' })}` },
    );
    expect(redeemed.body.errors).toBeUndefined();
    const values = Object.fromEntries(
      redeemed.body.data!.shareRedeem.papers.flatMap((p) => p.fields.map((f) => [f.field, f.value])),
    );
    expect(values).toEqual({
      HEALTH_INSURANCE_ISSUED_ON: '2025-07-15',
      HEALTH_INSURANCE_FORM: 'ELECTRONIC',
      SOCIAL_INSURANCE_NUMBER_KIND: 'PERSONAL_ID',
      SOCIAL_INSURANCE_LEGACY_NUMBER: '0112345678',
      HEALTH_RECORD_TREATMENT_EPISODES: own.r.body.data!.citizen!.healthRecord.treatmentEpisodes,
    });
  });
});
