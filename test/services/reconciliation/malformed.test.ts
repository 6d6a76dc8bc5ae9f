import { createHash } from 'node:crypto';
import { expect } from '@jest/globals';
import pino from 'pino';
import { REFERENCE_TODAY } from '../../../mockdata/generator/dates';
import { generateAll } from '../../../mockdata/generator/generate';
import type { CongDanDoc } from '../../../connectors/population/model';
import { SOURCES } from '../../../connectors/registry';
import { seed } from '../../../mockdata/seed/index';
import { detectRecord, type SourceDocs } from '../../../services/reconciliation/detect';
import { DuplicateTracker } from '../../../services/reconciliation/duplicates';
import {
  findingKey,
  type Finding,
  OTHER_SOURCES,
  type OtherSource,
  type SourceName,
  NATIONAL,
  RECON_FINDINGS_COLLECTION,
  type FindingDoc,
} from '../../../services/reconciliation/model';
import { PopulationIndex } from '../../../services/reconciliation/population-index';
import { invalidRecordKey } from '../../../services/reconciliation/readers';
import { ReconciliationRunner } from '../../../services/reconciliation/runs';
import type { Store } from '../../../store/connection';
import { connectTestStore } from '../../support/hub';

/**
 * Malformed records (docs/reconciliation.md, docs/reconciliation-rules.md): for each field
 * reconciliation reads of each source, each kind of bad value gives a MALFORMED finding naming
 * the source, the key and the field, and detection goes on. Then the same over the real store: a
 * run with malformed population and source records completes DONE.
 */

const TODAY = REFERENCE_TODAY;
type Doc = Record<string, unknown>;

// A person with a clean record in all five sources (from the generator, no defect at all).
const data = generateAll({ citizens: 400, seed: 4242, rates: { MALFORMED: 0 } });
const withDefect = new Set(data.defects.map((d) => d.personalId));
const recordsOf = (id: string): Partial<Record<OtherSource, Doc>> =>
  Object.fromEntries(
    OTHER_SOURCES.map((s) => [s, (data[s] as unknown as Doc[]).find((d) => d._id === id)]).filter(([, d]) => d),
  ) as Partial<Record<OtherSource, Doc>>;
const person = data.population.find(
  (p) =>
    !withDefect.has(p._id) &&
    p.theCanCuoc &&
    p.cha &&
    p.me &&
    p.trangThai === 'CON_SONG' &&
    Object.keys(recordsOf(p._id)).length === 4,
)!;
const ID = person._id;

const clone = <T>(v: T): T => structuredClone(v);

/** Sets (undefined: removes) the value at a dotted path; `lichSuGiayTo.loai` means the first entry's. */
function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let o: Doc = doc;
  for (const p of parts.slice(0, -1)) {
    const next = o[p];
    o = (Array.isArray(next) ? next[0] : next) as Doc;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
}

type Bad = [problem: string, value: unknown];
const TEXT: Bad[] = [
  ['MISSING', undefined],
  ['NULL', null],
  ['WRONG_TYPE', 42],
  ['WRONG_TYPE', { a: 1 }],
  ['EMPTY', ''],
  ['EMPTY', ' \u200b '],
  ['OVERSIZED', 'A'.repeat(5000)],
  ['CONTROL_CHARACTERS', 'AB\u0000C'],
  ['CONTROL_CHARACTERS', 'AB\u001bC'],
];
const DATE: Bad[] = [
  ...TEXT.slice(0, 5),
  ['OVERSIZED', '1'.repeat(41)],
  ['BAD_FORMAT', '31/02/1990'],
  ['BAD_FORMAT', 'hôm qua'],
];
const CODE: Bad[] = [...TEXT.slice(0, 3), ['EMPTY', ''], ['UNKNOWN_CODE', 'X'], ['CONTROL_CHARACTERS', 'N\u0000']];
const OBJECT: Bad[] = [
  ['MISSING', undefined],
  ['NULL', null],
  ['WRONG_TYPE', 'text'],
];

/** Every field reconciliation reads, per source, with the bad values that apply to it. */
const FIELDS: Record<SourceName, Array<[field: string, bad: Bad[]]>> = {
  population: [
    ['hoTen', TEXT],
    ['ngaySinh', DATE],
    ['gioiTinh', CODE],
    ['trangThai', CODE],
    [
      'lichSuGiayTo',
      [
        ['MISSING', undefined],
        ['NULL', null],
        ['WRONG_TYPE', 'x'],
      ],
    ],
    ['lichSuGiayTo.loai', CODE],
    ['lichSuGiayTo.so', TEXT.filter(([p]) => p !== 'EMPTY' || true)],
    ['hoGiaDinh', OBJECT],
    [
      'hoGiaDinh.thanhVien',
      [
        ['MISSING', undefined],
        ['NULL', null],
        ['WRONG_TYPE', 3],
      ],
    ],
    ['noiThuongTru', OBJECT],
    ['noiThuongTru.xa', OBJECT],
    ['noiThuongTru.xa.ma', [...TEXT, ['UNKNOWN_CODE', '99999']]],
    ['noiThuongTru.tinh', OBJECT],
    ['noiThuongTru.tinh.ma', TEXT],
    ['noiThuongTru.ngayDangKy', DATE],
    ['theCanCuoc', [['WRONG_TYPE', 'x']]],
    ['theCanCuoc.ngayHetHan', DATE.filter(([p]) => p !== 'MISSING' && p !== 'NULL')],
    ['cha', [['WRONG_TYPE', 'x']]],
    ['cha.hoTen', TEXT],
    ['me.hoTen', TEXT],
  ],
  drivingLicence: [
    ['holder', OBJECT],
    ['holder.name', TEXT],
    ['holder.birth', DATE],
    ['holder.gender', CODE],
    ['status', CODE],
    [
      'classes',
      [
        ['MISSING', undefined],
        ['NULL', null],
        ['WRONG_TYPE', 'B2'],
      ],
    ],
    ['classes.expires', DATE.filter(([p]) => p !== 'NULL')],
  ],
  healthInsurance: [
    ['HO_TEN', TEXT],
    ['NGAY_SINH', DATE],
    ['GIOI_TINH', [...CODE.filter(([, v]) => typeof v !== 'number'), ['UNKNOWN_CODE', 3]]],
    ['GT_THE_DEN', DATE],
  ],
  socialInsurance: [
    ['hoTen', TEXT],
    ['ngaySinh', DATE],
    ['gioiTinh', CODE],
  ],
  healthRecord: [
    ['patient', OBJECT],
    ['patient.name', TEXT],
    ['patient.birthDate', DATE],
    ['patient.gender', CODE],
  ],
};

/** Detection over the person's five records, `bad` replacing one of them. */
function detectAll(bad: { source: SourceName; doc: Doc }): Finding[] {
  const index = new PopulationIndex({ today: TODAY });
  const out: Finding[] = [];
  const pop = bad.source === 'population' ? bad.doc : (clone(person) as unknown as Doc);
  out.push(...index.add(pop as unknown as CongDanDoc));
  const ctx = { today: TODAY, duplicates: new DuplicateTracker() };
  const records = recordsOf(ID);
  for (const s of OTHER_SOURCES) {
    const doc = bad.source === s ? bad.doc : clone(records[s]!);
    out.push(...detectRecord(s, doc as unknown as SourceDocs[typeof s], index, ctx));
  }
  out.push(...ctx.duplicates.finish(index));
  return out;
}

const CASES = (Object.entries(FIELDS) as Array<[SourceName, Array<[string, Bad[]]>]>).flatMap(([source, fields]) =>
  fields.flatMap(([field, bads]) =>
    bads.map(([problem, value]) => [source, field, problem, value] as [SourceName, string, string, unknown]),
  ),
);

describe('a malformed field is a MALFORMED finding, and detection goes on', () => {
  it('the clean person has no finding anywhere', () => {
    expect(detectAll({ source: 'population', doc: clone(person) as unknown as Doc })).toEqual([]);
  });

  it.each(CASES)('%s.%s = %s', (source, field, problem, value) => {
    const doc = clone(source === 'population' ? (person as unknown as Doc) : recordsOf(ID)[source]!);
    setPath(doc, field, value);
    const found = detectAll({ source, doc });
    const malformed = found.filter((f) => f.kind === 'MALFORMED');
    expect(malformed).toEqual([
      { source, recordKey: ID, personalId: ID, kind: 'MALFORMED', field, sourceValue: problem },
    ]);
    // Nothing else: an unreadable value is never compared (no MISMATCH showing garbage), and the
    // person's other records still resolve to the person (no ORPHAN).
    expect(found.filter((f) => f.kind !== 'MALFORMED')).toEqual([]);
  });

  it('a key that is not a string: MALFORMED on _id, no person', () => {
    for (const s of OTHER_SOURCES) {
      const doc = { ...clone(recordsOf(ID)[s]!), _id: 79190123456 };
      const index = new PopulationIndex({ today: TODAY });
      index.add(clone(person));
      const fs = detectRecord(s, doc as unknown as SourceDocs[typeof s], index, {
        today: TODAY,
        duplicates: new DuplicateTracker(),
      });
      expect(fs).toEqual([
        {
          source: s,
          // Never the raw value: its hash.
          recordKey: invalidRecordKey(79190123456),
          personalId: null,
          kind: 'MALFORMED',
          field: '_id',
          sourceValue: 'WRONG_TYPE',
        },
      ]);
    }
    const index = new PopulationIndex({ today: TODAY });
    const fs = index.add({ ...clone(person), _id: '0791' });
    expect(fs.map((f) => findingKey(f))).toEqual([`population:${invalidRecordKey('0791')}:MALFORMED:_id`]);
    expect(invalidRecordKey('0791')).toMatch(/^invalid:[0-9a-f]{24}$/);
    expect(invalidRecordKey(791)).not.toBe(invalidRecordKey('791'));
  });

  it('several bad fields of one record: one finding each', () => {
    const doc = clone(person) as unknown as Doc;
    doc.hoTen = null;
    doc.ngaySinh = 19900517;
    setPath(doc, 'noiThuongTru.xa', undefined);
    const found = detectAll({ source: 'population', doc });
    expect(found.map((f) => `${f.field}:${f.sourceValue}`).sort()).toEqual([
      'hoTen:NULL',
      'ngaySinh:WRONG_TYPE',
      'noiThuongTru.xa:MISSING',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Over the real store: runs complete, with the MALFORMED findings in the right runs.

const logger = pino({ level: 'silent' });
let store: Store;
const runners: ReconciliationRunner[] = [];

beforeAll(async () => {
  store = await connectTestStore('rcm_');
  await seed(store, { citizens: 600, seed: 616 });
  await store.hubDb
    .collection(RECON_FINDINGS_COLLECTION)
    .drop()
    .catch(() => undefined);
}, 60_000);

afterAll(async () => {
  for (const r of runners) await r.close();
  await store?.close();
});

describe('runs over malformed records', () => {
  it('complete DONE; the findings are in the area runs and the national run', async () => {
    const popCol = store.db(SOURCES.population.db).collection<Doc>(SOURCES.population.collection);
    const people = await popCol
      .find({ theCanCuoc: { $exists: true }, 'noiThuongTru.huyen': { $exists: false } })
      .limit(3)
      .toArray();
    const [a, b, c] = people.map((p) => p as unknown as CongDanDoc);
    // The three of the issue: a null name, a null birth date of a card holder, an address without commune.
    await popCol.updateOne({ _id: a._id as never }, { $set: { hoTen: null } });
    await popCol.updateOne({ _id: b._id as never }, { $set: { ngaySinh: null } });
    await popCol.updateOne({ _id: c._id as never }, { $unset: { 'noiThuongTru.xa': '' } });
    // And other sources: a number as a name, a health book without patient, NUL characters.
    const dl = store.db(SOURCES.drivingLicence.db).collection<Doc>(SOURCES.drivingLicence.collection);
    const ehr = store.db(SOURCES.healthRecord.db).collection<Doc>(SOURCES.healthRecord.collection);
    const bhyt = store.db(SOURCES.healthInsurance.db).collection<Doc>(SOURCES.healthInsurance.collection);
    const dlDoc = (await dl.findOne({}))!;
    const ehrDoc = (await ehr.findOne({}))!;
    const bhytDoc = (await bhyt.findOne({}))!;
    await dl.updateOne({ _id: dlDoc._id }, { $set: { 'holder.name': 12345 } });
    await ehr.updateOne({ _id: ehrDoc._id }, { $unset: { patient: '' } });
    await bhyt.updateOne({ _id: bhytDoc._id }, { $set: { HO_TEN: 'NGUYỄN\u0000VĂN' } });
    const expected = [
      `population:${a._id}:MALFORMED:hoTen`,
      `population:${b._id}:MALFORMED:ngaySinh`,
      `population:${c._id}:MALFORMED:noiThuongTru.xa`,
      `drivingLicence:${String(dlDoc._id)}:MALFORMED:holder.name`,
      `healthRecord:${String(ehrDoc._id)}:MALFORMED:patient`,
      `healthInsurance:${String(bhytDoc._id)}:MALFORMED:HO_TEN`,
    ];

    const r = new ReconciliationRunner({ store, logger, today: () => REFERENCE_TODAY });
    runners.push(r);
    const national = await r.start({ province: NATIONAL }, 'officer-1');
    await r.wait(national._id);
    const doneNational = (await r.get(national._id))!;
    expect({ status: doneNational.status, error: doneNational.error ?? null }).toEqual({ status: 'DONE', error: null });
    expect(doneNational.counts.MALFORMED).toBeGreaterThanOrEqual(expected.length);
    const all = await store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION).find({}).toArray();
    const byId = new Map(all.map((f) => [f._id, f]));
    for (const k of expected) expect({ k, found: byId.has(k) }).toEqual({ k, found: true });

    // The commune-less record is in its province's run (its province is readable), without commune.
    const province = c.noiThuongTru.tinh.ma;
    expect(byId.get(expected[2])!.area).toEqual({ province, commune: null });
    const run = await r.start({ province }, 'officer-1');
    await r.wait(run._id);
    const done = (await r.get(run._id))!;
    expect(done.status).toBe('DONE');
    const inRun = all.filter((f) => f.area.province === province && f.kind === 'MALFORMED').map((f) => f._id);
    // What the run saw is in the case index (a run writes only the findings that changed).
    const seen = await r.cases.keysLastSeenBy(done.area, done.createdAt);
    expect(new Set(seen.filter((k) => k.includes(':MALFORMED:')))).toEqual(new Set(inRun));
    expect(inRun).toContain(expected[2]);
  }, 120_000);
});

describe('runs over records whose key is unusable', () => {
  it('complete DONE; the findings name a hashed key, never the raw one', async () => {
    const popCol = store.db(SOURCES.population.db).collection<Doc>(SOURCES.population.collection);
    const ehr = store.db(SOURCES.healthRecord.db).collection<Doc>(SOURCES.healthRecord.collection);
    const dl = store.db(SOURCES.drivingLicence.db).collection<Doc>(SOURCES.drivingLicence.collection);
    const [p] = await popCol
      .find({ 'noiThuongTru.huyen': { $exists: false } })
      .limit(1)
      .toArray();
    const province = (p as unknown as CongDanDoc).noiThuongTru.tinh.ma;
    const ehrDoc = (await ehr.findOne({}))!;
    const dlDoc = (await dl.findOne({}))!;
    const nul = '079\u0000190123456';
    const long = '0'.repeat(5000);
    const bad: unknown[] = [nul, long, 79190123456];
    for (const [i, id] of bad.entries()) {
      await popCol.insertOne({ ...p, _id: id as never, hoTen: `Khóa Hỏng ${'ABC'[i]}` });
      await ehr.insertOne({ ...ehrDoc, _id: id as never });
      await dl.insertOne({ ...dlDoc, _id: id as never });
    }
    const hashed = (s: string) => `invalid:${createHash('sha256').update(s).digest('hex').slice(0, 24)}`;

    const r = new ReconciliationRunner({ store, logger, today: () => REFERENCE_TODAY });
    runners.push(r);
    for (const area of [{ province: NATIONAL }, { province }]) {
      const run = await r.start(area, 'officer-1');
      await r.wait(run._id);
      const done = (await r.get(run._id))!;
      expect({ area, status: done.status, error: done.error ?? null }).toEqual({ area, status: 'DONE', error: null });
    }
    const all = await store.hubDb.collection<FindingDoc>(RECON_FINDINGS_COLLECTION).find({}).toArray();
    const onId = all.filter((f) => f.kind === 'MALFORMED' && f.field === '_id');
    for (const source of ['population', 'healthRecord', 'drivingLicence'] as const) {
      const keys = onId.filter((f) => f.source === source).map((f) => f.recordKey);
      expect({ source, keys: keys.sort() }).toEqual({
        source,
        keys: expect.arrayContaining([hashed(nul), hashed(long)]),
      });
      // The numeric key too: hashed, never "79190123456".
      expect(keys.filter((k) => !k.startsWith('invalid:'))).toEqual([]);
      expect(keys.length).toBeGreaterThanOrEqual(3);
    }
    for (const f of all) {
      expect(f.recordKey).not.toContain('\u0000');
      expect(f.recordKey.length).toBeLessThanOrEqual(40);
      expect(f._id).not.toContain('\u0000');
    }
    const pop = onId.find((f) => f.source === 'population' && f.recordKey === hashed(nul))!;
    expect(pop).toMatchObject({ personalId: null, sourceValue: 'BAD_FORMAT', area: { province } });
  }, 180_000);
});
