import type { GplxDoc } from '../../../connectors/driving-licence/model';
import { PROVINCES } from '../../../mockdata/generator/areas';
import { REFERENCE_TODAY } from '../../../mockdata/generator/dates';
import { generate, type GeneratedChunk } from '../../../mockdata/generator/generate';
import type { TheBhytDoc } from '../../../connectors/health-insurance/model';
import type { HealthBookDoc } from '../../../connectors/health-record/model';
import { mapCitizen } from '../../../connectors/population/connector';
import type { CongDanDoc } from '../../../connectors/population/model';
import type { SoBhxhDoc } from '../../../connectors/social-insurance/model';
import { detectRecord, type DetectContext, type SourceDocs } from '../../../services/reconciliation/detect';
import { DuplicateTracker, type DuplicateTrackerSnapshot } from '../../../services/reconciliation/duplicates';
import { findingArea } from '../../../services/reconciliation/finding-areas';
import { findingKey, type Finding, OTHER_SOURCES, type OtherSource } from '../../../services/reconciliation/model';
import { hasMarks } from '../../../services/reconciliation/names';
import { PopulationIndex } from '../../../services/reconciliation/population-index';
import { DEFECT_KINDS, type DefectKind, type SeedDefectDoc } from '../../../mockdata/seed-meta';

const TODAY = REFERENCE_TODAY; // 2026-11-01

// ---------------------------------------------------------------------------------------------
// Accuracy against the generator's ground truth

interface RunConfig {
  label: string;
  citizens: number;
  seed: number;
  rates?: Partial<Record<DefectKind, number>>;
  /** Stream each collection sorted by _id (as a cursor would), instead of generation order. */
  sortById: boolean;
}

const CONFIGS: RunConfig[] = [
  {
    label: 'seed 20261101, default rates and malformed records',
    citizens: 20_000,
    seed: 20261101,
    rates: { MALFORMED: 0.005 },
    sortById: false,
  },
  {
    label: 'seed 7, raised rates, _id order',
    citizens: 20_000,
    seed: 7,
    rates: {
      FORMAT_ONLY: 0.08,
      MISMATCH: 0.05,
      OLD_ID_KEY: 0.1,
      ORPHAN: 0.03,
      DUPLICATE: 0.05,
      DECEASED_ACTIVE: 0.5,
      EXPIRED_ID_CARD: 0.15,
      MALFORMED: 0.02,
    },
    sortById: true,
  },
];

interface RunResult {
  truth: Map<string, SeedDefectDoc>;
  found: Map<string, Finding>;
  citizens: number;
  records: number;
  ms: number;
  index: PopulationIndex;
  /** Every 40th population document, to check the index against the mapper. */
  sample: CongDanDoc[];
}

const byId = (a: { _id: string }, b: { _id: string }): number => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

function run(cfg: RunConfig): RunResult {
  const chunks: GeneratedChunk[] = [...generate({ citizens: cfg.citizens, seed: cfg.seed, rates: cfg.rates })];
  const truth = new Map<string, SeedDefectDoc>();
  for (const c of chunks) for (const d of c.defects) truth.set(d._id, d);
  const population = chunks.flatMap((c) => c.population);
  const sources = new Map<OtherSource, Array<{ _id: string }>>(
    OTHER_SOURCES.map((s) => [s, chunks.flatMap((c) => c[s] as Array<{ _id: string }>)]),
  );
  if (cfg.sortById) {
    population.sort(byId);
    for (const docs of sources.values()) docs.sort(byId);
  }

  const found = new Map<string, Finding>();
  const add = (fs: readonly Finding[]): void => {
    for (const f of fs) found.set(findingKey(f), f);
  };
  const t0 = performance.now();
  const index = new PopulationIndex({ today: TODAY });
  for (const d of population) add(index.add(d));
  const ctx: DetectContext = { today: TODAY, duplicates: new DuplicateTracker() };
  let records = 0;
  for (const [s, docs] of sources) {
    for (const d of docs) add(detectRecord(s, d as SourceDocs[typeof s], index, ctx));
    records += docs.length;
  }
  add(ctx.duplicates.finish(index));
  const ms = performance.now() - t0;
  const malformed = new Set([...truth.values()].filter((d) => d.kind === 'MALFORMED').map((d) => d.recordKey));
  const sample = population.filter((d, i) => i % 40 === 0 && !malformed.has(d._id));
  return { truth, found, citizens: chunks[chunks.length - 1].citizens, records, ms, index, sample };
}

interface KindScore {
  truth: number;
  found: number;
  tp: number;
  precision: number;
  recall: number;
}

function score(r: RunResult): Record<DefectKind, KindScore> {
  const out = {} as Record<DefectKind, KindScore>;
  for (const k of DEFECT_KINDS) {
    const truth = [...r.truth.values()].filter((d) => d.kind === k).length;
    const found = [...r.found.values()].filter((f) => f.kind === k);
    // The key includes the field, so FORMAT_ONLY / MISMATCH match on it too.
    const tp = found.filter((f) => r.truth.has(findingKey(f))).length;
    out[k] = {
      truth,
      found: found.length,
      tp,
      precision: found.length === 0 ? 1 : tp / found.length,
      recall: truth === 0 ? 1 : tp / truth,
    };
  }
  return out;
}

describe('detection against the generator ground truth', () => {
  const results = new Map<string, RunResult>();
  beforeAll(() => {
    for (const cfg of CONFIGS) results.set(cfg.label, run(cfg));
    const table: Record<string, Record<string, number | string>> = {};
    for (const [label, r] of results) {
      for (const [kind, s] of Object.entries(score(r))) {
        table[`${label} · ${kind}`] = {
          truth: s.truth,
          found: s.found,
          precision: s.precision.toFixed(4),
          recall: s.recall.toFixed(4),
        };
      }
    }
    console.table(table);
    for (const [label, r] of results) {
      console.log(
        `${label}: ${r.citizens} citizens, ${r.records} source records, detection ${r.ms.toFixed(0)} ms ` +
          `(${Math.round((r.citizens / r.ms) * 1000)} citizens/s)`,
      );
    }
  });

  it.each(CONFIGS.map((c) => c.label))('%s: precision and recall 1.0 for every kind', (label) => {
    const r = results.get(label)!;
    for (const [kind, s] of Object.entries(score(r))) {
      expect({ kind, truth: s.truth > 0 }).toEqual({ kind, truth: true });
      expect({ kind, precision: s.precision }).toEqual({ kind, precision: 1 });
      expect({ kind, recall: s.recall }).toEqual({ kind, recall: 1 });
    }
  });

  it.each(CONFIGS.map((c) => c.label))(
    '%s: the social-insurance number defects are there and found (MISMATCH on the number, OLD_ID_KEY by the older 10-digit number)',
    (label) => {
      const r = results.get(label)!;
      const number = [...r.truth.values()].filter((d) => d.field === 'socialInsuranceNumber');
      const olderKey = [...r.truth.values()].filter((d) => d.kind === 'OLD_ID_KEY' && d.recordKey.length === 10);
      expect(number.length).toBeGreaterThan(0);
      expect(olderKey.length).toBeGreaterThan(0);
      for (const d of [...number, ...olderKey]) expect(r.found.has(d._id)).toBe(true);
    },
  );

  it.each(CONFIGS.map((c) => c.label))('%s: no FORMAT_ONLY is reported as MISMATCH', (label) => {
    const r = results.get(label)!;
    const wrong = [...r.truth.values()].filter(
      (d) => d.kind === 'FORMAT_ONLY' && r.found.has(findingKey({ ...d, kind: 'MISMATCH' })),
    );
    expect(wrong).toEqual([]);
  });

  it.each(CONFIGS.map((c) => c.label))('%s: values and variants agree with the ground truth', (label) => {
    const r = results.get(label)!;
    const disagree: unknown[] = [];
    let ambiguous = 0;
    for (const d of r.truth.values()) {
      const f = r.found.get(d._id);
      if (!f) continue;
      if (d.kind === 'MISMATCH' || d.kind === 'FORMAT_ONLY' || d.kind === 'EXPIRED_ID_CARD' || d.kind === 'MALFORMED') {
        if (f.sourceValue !== d.sourceValue) disagree.push({ d, f });
      }
      if (d.kind === 'MISMATCH' || d.kind === 'FORMAT_ONLY' || d.kind === 'DECEASED_ACTIVE') {
        if (f.trueValue !== d.trueValue) disagree.push({ d, f });
      }
      if (d.personalId !== null && f.personalId !== d.personalId) disagree.push({ d, f });
      if (d.kind === 'FORMAT_ONLY' && f.variant !== d.variant) {
        // The generator's NO_DIACRITICS on a name that has no marks only changes the case.
        if (d.variant === 'NO_DIACRITICS' && f.variant === 'UPPER_CASE' && !hasMarks(d.trueValue!)) ambiguous++;
        else disagree.push({ d, f });
      }
    }
    expect(disagree).toEqual([]);
    expect(ambiguous).toBeLessThan(0.01 * [...r.truth.values()].filter((d) => d.kind === 'FORMAT_ONLY').length);
  });

  it("the index keeps the mapper's identity facts and area", () => {
    const r = results.get(CONFIGS[0].label)!;
    for (const doc of r.sample) {
      const c = mapCitizen(doc);
      expect(r.index.get(doc._id)).toEqual({
        personalId: c.personalId,
        fullName: c.fullName,
        dateOfBirth: c.dateOfBirth,
        sex: c.sex === 'MALE' ? 'Nam' : 'Nữ',
        vitalStatus: c.vitalStatus,
        dateOfDeath: c.dateOfDeath,
        area: c.area,
        cardExpiresOn: c.identityCard?.expiresOn ?? null,
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Unit cases per kind

const PROVINCE = PROVINCES[0];
const COMMUNE = PROVINCE.communes[0];

const HOA = '079190123456'; // Nguyễn Thị Hòa, born 1990-05-17, female
const HOA_CMND = '023456789';

function congDan(o: Partial<CongDanDoc> & { _id: string }): CongDanDoc {
  return {
    hoTen: 'Nguyễn Thị Hòa',
    ngaySinh: '1990-05-17',
    gioiTinh: 'Nữ',
    danToc: 'Kinh',
    quocTich: 'Việt Nam',
    queQuan: {
      chiTiet: '',
      xa: { ma: COMMUNE.code, ten: COMMUNE.name },
      tinh: { ma: PROVINCE.code, ten: PROVINCE.fullName },
    },
    noiThuongTru: {
      chiTiet: 'Số 1 Tràng Tiền',
      xa: { ma: COMMUNE.code, ten: COMMUNE.name },
      tinh: { ma: PROVINCE.code, ten: PROVINCE.fullName },
      ngayDangKy: '2015-03-02',
    },
    hoGiaDinh: {
      soHo: '0100000001',
      chuHo: { soDinhDanh: o._id, hoTen: 'Nguyễn Thị Hòa' },
      quanHeVoiChuHo: 'Chủ hộ',
      thanhVien: [
        { soDinhDanh: o._id, hoTen: 'Nguyễn Thị Hòa', quanHe: 'Chủ hộ' },
        { soDinhDanh: '079220999999', hoTen: 'Trần Minh Khôi', quanHe: 'Con' },
      ],
    },
    me: { hoTen: 'Lê Thị Thủy' },
    nguoiPhuThuoc: [],
    theCanCuoc: {
      loai: 'CCCD_GAN_CHIP',
      so: o._id,
      ngayCap: '2021-04-01',
      ngayHetHan: '2030-05-17',
      noiCap: 'Cục Cảnh sát quản lý hành chính về trật tự xã hội',
    },
    lichSuGiayTo: [
      {
        loai: 'CMND',
        so: HOA_CMND,
        ngayCap: '2005-06-01',
        ngayHetHan: '2020-06-01',
        noiCap: 'Công an thành phố Hà Nội',
      },
      {
        loai: 'CCCD_GAN_CHIP',
        so: o._id,
        ngayCap: '2021-04-01',
        ngayHetHan: '2030-05-17',
        noiCap: 'Cục Cảnh sát quản lý hành chính về trật tự xã hội',
      },
    ],
    trangThai: 'CON_SONG',
    capNhatLuc: new Date('2021-04-02T03:00:00Z'),
    ...o,
  };
}

function gplx(_id: string, o: Partial<GplxDoc> = {}): GplxDoc {
  return {
    _id,
    holder: { name: 'NGUYỄN THỊ HÒA', birth: '19900517', gender: 'F', idNumber: HOA },
    licenceNo: '010123456789',
    issuer: 'Sở GTVT Hà Nội',
    issued: '20120301',
    classes: [{ code: 'A1', issued: '20120301', expires: null }],
    status: 'ACTIVE',
    points: 12,
    modified: new Date('2012-03-01T03:00:00Z'),
    ...o,
  };
}

function bhyt(_id: string, o: Partial<TheBhytDoc> = {}): TheBhytDoc {
  return {
    _id,
    HO_TEN: 'Nguyễn Thị Hòa',
    NGAY_SINH: '17/05/1990',
    GIOI_TINH: 2,
    MA_SO_BHXH: '0112345678',
    MA_THE: '0112345678',
    MUC_HUONG: 4,
    GT_THE_TU: '01/01/2026',
    GT_THE_DEN: '31/12/2026',
    MA_DKBD: '01001',
    TEN_DKBD: 'Trạm Y tế',
    NGAY_DU_5NAM: null,
    NGAY_CAP_NHAT: '20/12/2025 09:00:00',
    ...o,
  };
}

function bhxh(_id: string, o: Partial<SoBhxhDoc> = {}): SoBhxhDoc {
  return {
    _id,
    hoTen: 'NGUYEN THI HOA',
    ngaySinh: '17/05/1990',
    gioiTinh: 'NU',
    maSoBhxh: '0112345678',
    quaTrinh: [],
    tongSoThang: 0,
    cheDo: [],
    ngayCapNhat: '01/10/2026',
    ...o,
  };
}

function ehr(_id: string, o: Partial<HealthBookDoc['patient']> = {}): HealthBookDoc {
  return {
    _id,
    patient: { name: 'Nguyễn Thị Hòa', birthDate: '1990-05-17', gender: 'female', ...o },
    bloodType: 'O+',
    allergies: [],
    chronicConditions: [],
    encounters: [],
    immunizations: [],
    lastUpdated: '2026-01-05T09:00:00+07:00',
  };
}

function setup(...people: CongDanDoc[]): { index: PopulationIndex; ctx: DetectContext; popFindings: Finding[] } {
  const index = new PopulationIndex({ today: TODAY });
  const popFindings = people.flatMap((p) => [...index.add(p)]);
  return { index, ctx: { today: TODAY, duplicates: new DuplicateTracker() }, popFindings };
}

/** Findings of one record as [kind, field?, variant?] tuples. */
function kinds<S extends OtherSource>(
  source: S,
  doc: SourceDocs[S],
  s: { index: PopulationIndex; ctx: DetectContext },
): string[] {
  return detectRecord(source, doc, s.index, s.ctx).map((f) => [f.kind, f.field, f.variant].filter(Boolean).join('/'));
}

describe('clean records', () => {
  it('yield no finding in any source', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(s.popFindings).toEqual([]);
    expect(kinds('drivingLicence', gplx(HOA), s)).toEqual([]);
    expect(kinds('healthInsurance', bhyt(HOA), s)).toEqual([]);
    expect(kinds('socialInsurance', bhxh(HOA), s)).toEqual([]);
    expect(kinds('healthRecord', ehr(HOA), s)).toEqual([]);
    expect(s.ctx.duplicates.finish(s.index)).toEqual([]);
  });
});

describe('FORMAT_ONLY', () => {
  it('reports the variant against the source convention', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(kinds('healthInsurance', bhyt(HOA, { HO_TEN: 'NGUYỄN THỊ HÒA' }), s)).toEqual([
      'FORMAT_ONLY/fullName/UPPER_CASE',
    ]);
    expect(kinds('healthInsurance', bhyt('079190123456', { HO_TEN: 'NGUYEN THI HOA' }), s)).toEqual([
      'FORMAT_ONLY/fullName/NO_DIACRITICS',
    ]);
    expect(kinds('healthRecord', ehr(HOA, { name: 'Nguyễn Thị Hoà' }), s)).toEqual([
      'FORMAT_ONLY/fullName/OLD_TONE_MARK',
    ]);
    expect(kinds('healthRecord', ehr(HOA, { name: 'Nguyễn Thị Hòa'.normalize('NFD') }), s)).toEqual([
      'FORMAT_ONLY/fullName/NFD',
    ]);
    expect(kinds('drivingLicence', gplx(HOA, { holder: { ...gplx(HOA).holder, name: 'NGUYỄN THỊ HOÀ' } }), s)).toEqual([
      'FORMAT_ONLY/fullName/OLD_TONE_MARK',
    ]);
    expect(kinds('drivingLicence', gplx(HOA, { holder: { ...gplx(HOA).holder, name: 'NGUYEN THI HOA' } }), s)).toEqual([
      'FORMAT_ONLY/fullName/NO_DIACRITICS',
    ]);
  });

  it('reports Đ written as D', () => {
    const id = '001085000111';
    const s = setup(congDan({ _id: id, hoTen: 'Đặng Văn Đức', gioiTinh: 'Nam', ngaySinh: '1985-02-03' }));
    const f = detectRecord(
      'healthRecord',
      ehr(id, { name: 'Dặng Văn Dức', gender: 'male', birthDate: '1985-02-03' }),
      s.index,
      s.ctx,
    );
    expect(f).toEqual([
      {
        source: 'healthRecord',
        recordKey: id,
        personalId: id,
        kind: 'FORMAT_ONLY',
        field: 'fullName',
        variant: 'D_FOR_DD',
        sourceValue: 'Dặng Văn Dức',
        trueValue: 'Đặng Văn Đức',
      },
    ]);
  });

  it("is not reported for a source's own convention", () => {
    const s = setup(congDan({ _id: HOA }));
    // Driving licences store upper case; social insurance upper case without diacritics (with or without).
    expect(kinds('drivingLicence', gplx(HOA, { holder: { ...gplx(HOA).holder, name: 'NGUYỄN THỊ HÒA' } }), s)).toEqual(
      [],
    );
    expect(kinds('socialInsurance', bhxh(HOA, { hoTen: 'NGUYỄN THỊ HÒA' }), s)).toEqual([]);
    // Lower case where the convention is upper case is a form difference (docs/reconciliation-rules.md).
    expect(kinds('socialInsurance', bhxh(HOA, { hoTen: 'Nguyen Thi Hoa' }), s)).toEqual([
      'FORMAT_ONLY/fullName/LOWER_CASE',
    ]);
  });
});

describe('MISMATCH', () => {
  it('names the field and both values', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(
      detectRecord('drivingLicence', gplx(HOA, { holder: { ...gplx(HOA).holder, birth: '19900518' } }), s.index, s.ctx),
    ).toEqual([
      {
        source: 'drivingLicence',
        recordKey: HOA,
        personalId: HOA,
        kind: 'MISMATCH',
        field: 'dateOfBirth',
        sourceValue: '19900518',
        trueValue: '1990-05-17',
      },
    ]);
    expect(detectRecord('socialInsurance', bhxh(HOA, { gioiTinh: 'NAM' }), s.index, s.ctx)).toEqual([
      {
        source: 'socialInsurance',
        recordKey: HOA,
        personalId: HOA,
        kind: 'MISMATCH',
        field: 'sex',
        sourceValue: 'NAM',
        trueValue: 'Nữ',
      },
    ]);
    expect(detectRecord('healthInsurance', bhyt(HOA, { HO_TEN: 'Nguyễn Thị Hồng' }), s.index, s.ctx)).toEqual([
      {
        source: 'healthInsurance',
        recordKey: HOA,
        personalId: HOA,
        kind: 'MISMATCH',
        field: 'fullName',
        sourceValue: 'Nguyễn Thị Hồng',
        trueValue: 'Nguyễn Thị Hòa',
      },
    ]);
  });

  it('a different name with the same ASCII fold is a mismatch when both carry diacritics', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(kinds('healthRecord', ehr(HOA, { name: 'Nguyễn Thị Họa' }), s)).toEqual(['MISMATCH/fullName']);
    expect(kinds('healthRecord', ehr(HOA, { name: 'Nguyễn Thị Hoa' }), s)).toEqual(['MISMATCH/fullName']);
    expect(kinds('socialInsurance', bhxh(HOA, { hoTen: 'NGUYEN THI HONG' }), s)).toEqual(['MISMATCH/fullName']);
  });

  it('reports every differing field, in every source format', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(
      kinds('healthRecord', ehr(HOA, { name: 'Trần Thị Hòa', birthDate: '1991-05-17', gender: 'male' }), s),
    ).toEqual(['MISMATCH/fullName', 'MISMATCH/dateOfBirth', 'MISMATCH/sex']);
    // Month 17 is no date: unreadable (MALFORMED), not a mismatch showing a value that means nothing.
    expect(kinds('healthInsurance', bhyt(HOA, { NGAY_SINH: '05/17/1990', GIOI_TINH: 1 }), s)).toEqual([
      'MALFORMED/NGAY_SINH',
      'MISMATCH/sex',
    ]);
    expect(kinds('healthInsurance', bhyt(HOA, { NGAY_SINH: '17/06/1990', GIOI_TINH: 1 }), s)).toEqual([
      'MISMATCH/dateOfBirth',
      'MISMATCH/sex',
    ]);
  });
});

describe('OLD_ID_KEY', () => {
  it('resolves an old 9-digit CMND through the ID-card history', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(detectRecord('healthRecord', ehr(HOA_CMND), s.index, s.ctx)).toEqual([
      {
        source: 'healthRecord',
        recordKey: HOA_CMND,
        personalId: HOA,
        kind: 'OLD_ID_KEY',
        sourceValue: HOA_CMND,
        trueValue: HOA,
      },
    ]);
    // Still compared with the person it resolves to.
    expect(kinds('socialInsurance', bhxh(HOA_CMND, { gioiTinh: 'NAM' }), s)).toEqual(['OLD_ID_KEY', 'MISMATCH/sex']);
  });

  it('an unknown 9-digit key is an orphan, not an old ID', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(kinds('healthRecord', ehr('023456780'), s)).toEqual(['ORPHAN']);
  });
});

describe('social-insurance numbers: the personal ID since 1 August 2025, the older 10 digits before', () => {
  const OLD = '0112345678';
  const TYPO = HOA.slice(0, 11) + String((Number(HOA[11]) + 1) % 10);

  it('a book numbered by its personal ID, or converted with the older number kept, is clean', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(kinds('socialInsurance', bhxh(HOA, { maSoBhxh: HOA }), s)).toEqual([]);
    expect(kinds('socialInsurance', bhxh(HOA, { maSoBhxh: HOA, maSoBhxhCu: OLD }), s)).toEqual([]);
    expect(kinds('healthInsurance', bhyt(HOA, { MA_SO_BHXH: HOA, MA_THE: HOA }), s)).toEqual([]);
  });

  it('a book filed under its older 10-digit number links through the personal ID it carries: OLD_ID_KEY', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(detectRecord('socialInsurance', bhxh(OLD, { maSoBhxh: HOA, maSoBhxhCu: OLD }), s.index, s.ctx)).toEqual([
      {
        source: 'socialInsurance',
        recordKey: OLD,
        personalId: HOA,
        kind: 'OLD_ID_KEY',
        sourceValue: OLD,
        trueValue: HOA,
      },
    ]);
    // Still compared with the person it resolves to; beside the book keyed by the personal ID, a DUPLICATE.
    const t = setup(congDan({ _id: HOA }));
    expect(kinds('socialInsurance', bhxh(HOA, { maSoBhxh: HOA }), t)).toEqual([]);
    expect(kinds('socialInsurance', bhxh(OLD, { maSoBhxh: HOA, gioiTinh: 'NAM' }), t)).toEqual([
      'OLD_ID_KEY',
      'MISMATCH/sex',
      'DUPLICATE',
    ]);
  });

  it('a book keyed and numbered by an older number alone names nobody: ORPHAN', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(kinds('socialInsurance', bhxh(OLD, { maSoBhxh: OLD }), s)).toEqual(['ORPHAN']);
    // A 10-digit number that is someone's personal ID prefix does not link either.
    expect(kinds('socialInsurance', bhxh(OLD, { maSoBhxh: TYPO }), s)).toEqual(['ORPHAN']);
  });

  it("a personal-ID number that is not the person's is a MISMATCH on socialInsuranceNumber, with both values", () => {
    const s = setup(congDan({ _id: HOA }));
    expect(detectRecord('socialInsurance', bhxh(HOA, { maSoBhxh: TYPO }), s.index, s.ctx)).toEqual([
      {
        source: 'socialInsurance',
        recordKey: HOA,
        personalId: HOA,
        kind: 'MISMATCH',
        field: 'socialInsuranceNumber',
        sourceValue: TYPO,
        trueValue: HOA,
      },
    ]);
    expect(kinds('healthInsurance', bhyt(HOA, { MA_SO_BHXH: TYPO }), s)).toEqual(['MISMATCH/socialInsuranceNumber']);
    // Keyed by the old CMND: the number is compared with the person the CMND resolves to.
    expect(kinds('socialInsurance', bhxh(HOA_CMND, { maSoBhxh: HOA }), setup(congDan({ _id: HOA })))).toEqual([
      'OLD_ID_KEY',
    ]);
  });

  it('an unreadable number or kept older number is MALFORMED, never a crash', () => {
    const s = setup(congDan({ _id: HOA }));
    const malformed = (doc: SoBhxhDoc) =>
      detectRecord('socialInsurance', doc, s.index, s.ctx).map((f) => `${f.kind}/${f.field}/${f.sourceValue}`);
    expect(malformed(bhxh(HOA, { maSoBhxh: '01123-45678' }))).toEqual(['MALFORMED/maSoBhxh/BAD_FORMAT']);
    expect(malformed(bhxh(HOA, { maSoBhxh: null as never }))).toEqual(['MALFORMED/maSoBhxh/NULL']);
    expect(malformed(bhxh(HOA, { maSoBhxh: 112345678 as never }))).toEqual(['MALFORMED/maSoBhxh/WRONG_TYPE']);
    expect(malformed(bhxh(HOA, { maSoBhxh: HOA, maSoBhxhCu: HOA }))).toEqual(['MALFORMED/maSoBhxhCu/BAD_FORMAT']);
    expect(malformed(bhxh(HOA, { maSoBhxh: HOA, maSoBhxhCu: {} as never }))).toEqual([
      'MALFORMED/maSoBhxhCu/WRONG_TYPE',
    ]);
    const { maSoBhxh: _gone, ...missing } = bhxh(HOA);
    expect(malformed(missing as SoBhxhDoc)).toEqual(['MALFORMED/maSoBhxh/MISSING']);
  });
});

describe('ORPHAN', () => {
  it('a record whose key names no person', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(detectRecord('healthInsurance', bhyt('040301777777', { HO_TEN: 'Lý Văn Tư' }), s.index, s.ctx)).toEqual([
      { source: 'healthInsurance', recordKey: '040301777777', personalId: null, kind: 'ORPHAN' },
    ]);
  });
});

describe('DUPLICATE', () => {
  const TYPO = '079190123856'; // one digit off HOA

  it('the copy under a mistyped key, whichever comes first', () => {
    for (const order of [
      [HOA, TYPO],
      [TYPO, HOA],
    ]) {
      const s = setup(congDan({ _id: HOA }));
      const f = order.flatMap((k) => [...detectRecord('healthInsurance', bhyt(k), s.index, s.ctx)]);
      expect(f).toEqual([{ source: 'healthInsurance', recordKey: TYPO, personalId: HOA, kind: 'DUPLICATE' }]);
      expect(s.ctx.duplicates.finish(s.index)).toEqual([]);
    }
  });

  it('a record keyed by the old CMND beside one keyed by the personal ID', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(kinds('drivingLicence', gplx(HOA_CMND), s)).toEqual(['OLD_ID_KEY']);
    // The record keyed by the personal ID is kept: the one seen earlier is the duplicate.
    expect(detectRecord('drivingLicence', gplx(HOA), s.index, s.ctx)).toEqual([
      { source: 'drivingLicence', recordKey: HOA_CMND, personalId: HOA, kind: 'DUPLICATE' },
    ]);
  });

  it('not for one record per source, the same record seen twice, or a near-miss key of someone else', () => {
    const s = setup(congDan({ _id: HOA }));
    for (const src of OTHER_SOURCES) expect(s.ctx.duplicates.observe(src, 0, HOA, 3, s.index)).toBeNull();
    expect(kinds('healthInsurance', bhyt(HOA), s)).toEqual([]); // observed above already: same record
    // Mistyped key but another date of birth: not this person.
    expect(kinds('healthRecord', ehr(TYPO, { birthDate: '1990-05-18' }), s)).toEqual(['ORPHAN']);
  });

  it('a near-miss key with no other record of the person is reported as ORPHAN at the end', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(kinds('healthRecord', ehr(TYPO), s)).toEqual([]);
    expect(s.ctx.duplicates.finish(s.index)).toEqual([
      { source: 'healthRecord', recordKey: TYPO, personalId: HOA, kind: 'ORPHAN' },
    ]);
  });

  it('the tracker survives a checkpoint', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(kinds('healthRecord', ehr(TYPO), s)).toEqual([]);
    const fresh = new DuplicateTracker();
    // Another source's state in the fresh tracker is left alone.
    expect(fresh.observe('drivingLicence', 0, HOA, 3, s.index)).toBeNull();
    // Through JSON, as a checkpoint stores it.
    const stored = JSON.stringify(s.ctx.duplicates.snapshotSource('healthRecord'));
    fresh.restoreSource(JSON.parse(stored) as DuplicateTrackerSnapshot);
    const restored = { ...s, ctx: { ...s.ctx, duplicates: fresh } };
    expect(kinds('healthRecord', ehr(HOA), restored)).toEqual(['DUPLICATE']);
    expect(fresh.observe('drivingLicence', 0, HOA, 3, s.index)).toBeNull(); // the same record again
    expect(fresh.finish(s.index)).toEqual([]);
  });

  describe('in the population', () => {
    const DUP = '079190654321';
    const original = congDan({ _id: HOA });
    const duplicate = congDan({
      _id: DUP,
      noiThuongTru: { ...original.noiThuongTru, ngayDangKy: '2009-08-10' },
      hoGiaDinh: {
        soHo: '0100000777',
        chuHo: { soDinhDanh: DUP, hoTen: original.hoTen },
        quanHeVoiChuHo: 'Chủ hộ',
        thanhVien: [{ soDinhDanh: DUP, hoTen: original.hoTen, quanHe: 'Chủ hộ' }],
      },
      theCanCuoc: undefined,
      lichSuGiayTo: [],
    });

    it('the stale double registration, whichever comes first', () => {
      for (const docs of [
        [original, duplicate],
        [duplicate, original],
      ]) {
        const s = setup(...docs);
        expect(s.popFindings).toEqual([{ source: 'population', recordKey: DUP, personalId: HOA, kind: 'DUPLICATE' }]);
        // A re-run reports the same finding again (same key), nothing else.
        expect(docs.flatMap((d) => [...s.index.add(d)])).toEqual(s.popFindings);
      }
    });

    it('names that differ only in form are the same name (the one comparison of names.ts)', () => {
      const forms = [
        { me: { hoTen: 'Lê Thị Thủy'.normalize('NFD') } },
        { me: { hoTen: 'Lê  Thị Thủy ' } },
        { me: { hoTen: 'Lê Thị Thuỷ' } },
        { hoTen: 'Nguyễn  Thị\u200b Hòa' },
        { hoTen: 'Nguyễn Thị Hòa'.normalize('NFD') },
      ];
      for (const o of forms) {
        expect(setup(original, { ...duplicate, ...o }).popFindings).toEqual([
          { source: 'population', recordKey: DUP, personalId: HOA, kind: 'DUPLICATE' },
        ]);
      }
      // Substance still differs: another vowel mark is another name.
      expect(setup(original, { ...duplicate, me: { hoTen: 'Lê Thị Thùy' } }).popFindings).toEqual([]);
    });

    it('not for the same name with another birth date, sex or mother', () => {
      for (const o of [{ ngaySinh: '1990-05-18' }, { gioiTinh: 'Nam' as const }, { me: { hoTen: 'Lê Thị Thu' } }]) {
        expect(setup(original, { ...duplicate, ...o }).popFindings).toEqual([]);
      }
    });
  });
});

describe('form, not substance (docs/reconciliation-rules.md)', () => {
  it('invisible characters and look-alike letters are FORMAT_ONLY', () => {
    const s = setup(congDan({ _id: HOA, hoTen: 'Đặng Thị Hòa' }));
    for (const [name, variant] of [
      ['Đặng Thị\u200b Hòa', 'INVISIBLE'],
      ['\ufeffĐặng Thị Hòa', 'INVISIBLE'],
      ['Đặng Th\u00adị Hòa', 'INVISIBLE'],
      ['Đặng\u200dThị Hòa'.replace('\u200d', ' \u200d'), 'INVISIBLE'],
      ['Đặng\u00a0Thị Hòa', 'SPACING'],
      ['\u00d0ặng Thị Hòa', 'LOOK_ALIKE'],
    ]) {
      expect({ name, found: kinds('healthRecord', ehr(HOA, { name }), s) }).toEqual({
        name,
        found: [`FORMAT_ONLY/fullName/${variant}`],
      });
    }
    // In the upper-case sources too, the convention aside.
    expect(
      kinds('drivingLicence', gplx(HOA, { holder: { ...gplx(HOA).holder, name: '\u00d0ẶNG THỊ HÒA' } }), s),
    ).toEqual(['FORMAT_ONLY/fullName/LOOK_ALIKE']);
    expect(kinds('socialInsurance', bhxh(HOA, { hoTen: 'DANG THI\u200b HOA' }), s)).toEqual([
      'FORMAT_ONLY/fullName/INVISIBLE',
    ]);
  });

  it('lower case where the convention is upper case is LOWER_CASE, in every upper-case source', () => {
    const s = setup(congDan({ _id: HOA }));
    expect(kinds('drivingLicence', gplx(HOA, { holder: { ...gplx(HOA).holder, name: 'Nguyễn Thị Hòa' } }), s)).toEqual([
      'FORMAT_ONLY/fullName/LOWER_CASE',
    ]);
    expect(kinds('drivingLicence', gplx(HOA, { holder: { ...gplx(HOA).holder, name: 'nguyễn thị hòa' } }), s)).toEqual([
      'FORMAT_ONLY/fullName/LOWER_CASE',
    ]);
    expect(kinds('socialInsurance', bhxh(HOA, { hoTen: 'nguyen thi hoa' }), s)).toEqual([
      'FORMAT_ONLY/fullName/LOWER_CASE',
    ]);
  });

  it('a sex or date coded otherwise than the convention is FORMAT_ONLY with the field, not a MISMATCH', () => {
    const s = setup(congDan({ _id: HOA }));
    const cases: Array<[OtherSource, SourceDocs[OtherSource], string]> = [
      ['socialInsurance', bhxh(HOA, { gioiTinh: 'NỮ' as never }), 'sex'],
      ['healthInsurance', bhyt(HOA, { GIOI_TINH: '2' as never }), 'sex'],
      ['healthRecord', ehr(HOA, { gender: 'Female' as never }), 'sex'],
      ['drivingLicence', gplx(HOA, { holder: { ...gplx(HOA).holder, gender: 'Nữ' as never } }), 'sex'],
      ['healthRecord', ehr(HOA, { birthDate: '1990-05-17T00:00:00+07:00' }), 'dateOfBirth'],
      ['healthRecord', ehr(HOA, { birthDate: '1990-05-16T17:00:00Z' }), 'dateOfBirth'],
      ['healthInsurance', bhyt(HOA, { NGAY_SINH: '1990-05-17' }), 'dateOfBirth'],
      ['socialInsurance', bhxh(HOA, { ngaySinh: '17-05-1990' }), 'dateOfBirth'],
      ['drivingLicence', gplx(HOA, { holder: { ...gplx(HOA).holder, birth: '17/05/1990' } }), 'dateOfBirth'],
    ];
    for (const [source, doc, field] of cases) {
      const fs = detectRecord(source, doc, s.index, s.ctx);
      expect({ source, fs }).toEqual({
        source,
        fs: [expect.objectContaining({ kind: 'FORMAT_ONLY', field, variant: 'CODING' })],
      });
    }
    // Recognised, but another value: a MISMATCH showing the value as stored.
    expect(detectRecord('healthRecord', ehr(HOA, { birthDate: '1990-05-18T00:00:00+07:00' }), s.index, s.ctx)).toEqual([
      expect.objectContaining({ kind: 'MISMATCH', field: 'dateOfBirth', sourceValue: '1990-05-18T00:00:00+07:00' }),
    ]);
    expect(detectRecord('socialInsurance', bhxh(HOA, { gioiTinh: 'Nam' as never }), s.index, s.ctx)).toEqual([
      expect.objectContaining({ kind: 'MISMATCH', field: 'sex', sourceValue: 'Nam', trueValue: 'Nữ' }),
    ]);
  });
});

describe('DECEASED_ACTIVE', () => {
  const deceased = congDan({ _id: HOA, trangThai: 'DA_CHET', ngayMat: '2025-03-01' });

  it('a licence still active with a class valid today', () => {
    const s = setup(deceased);
    expect(detectRecord('drivingLicence', gplx(HOA), s.index, s.ctx)).toEqual([
      {
        source: 'drivingLicence',
        recordKey: HOA,
        personalId: HOA,
        kind: 'DECEASED_ACTIVE',
        sourceValue: 'NO_EXPIRY',
        trueValue: '2025-03-01',
      },
    ]);
    const lastDay = gplx('079190123457', { classes: [{ code: 'B', issued: '20161101', expires: '20261101' }] });
    expect(
      detectRecord('drivingLicence', lastDay, setup({ ...deceased, _id: '079190123457' }).index, s.ctx),
    ).toMatchObject([{ kind: 'DECEASED_ACTIVE', sourceValue: '2026-11-01' }]);
  });

  it('not for a revoked licence, one whose classes all expired, or a living holder', () => {
    const s = setup(deceased);
    expect(kinds('drivingLicence', gplx(HOA, { status: 'REVOKED', points: 0 }), s)).toEqual([]);
    const s2 = setup(deceased);
    expect(
      kinds('drivingLicence', gplx(HOA, { classes: [{ code: 'B', issued: '20161031', expires: '20261031' }] }), s2),
    ).toEqual([]);
    expect(kinds('drivingLicence', gplx(HOA), setup(congDan({ _id: HOA })))).toEqual([]);
  });

  it('a health-insurance card valid past death and today; not one closed at death', () => {
    expect(kinds('healthInsurance', bhyt(HOA, { GT_THE_DEN: '31/12/2026' }), setup(deceased))).toEqual([
      'DECEASED_ACTIVE',
    ]);
    expect(kinds('healthInsurance', bhyt(HOA, { GT_THE_DEN: '01/03/2025' }), setup(deceased))).toEqual([]);
    expect(kinds('healthInsurance', bhyt(HOA, { GT_THE_DEN: '31/10/2026' }), setup(deceased))).toEqual([]);
  });

  it('never for sources without validity', () => {
    const s = setup(deceased);
    expect(kinds('socialInsurance', bhxh(HOA), s)).toEqual([]);
    expect(kinds('healthRecord', ehr(HOA), s)).toEqual([]);
  });
});

describe('EXPIRED_ID_CARD', () => {
  const card = (ngayHetHan: string | null): Partial<CongDanDoc> => ({
    theCanCuoc: {
      loai: 'CCCD',
      so: HOA,
      ngayCap: '2016-06-01',
      ngayHetHan,
      noiCap: 'Cục Cảnh sát ĐKQL cư trú và DLQG về dân cư',
    },
  });

  it('a living person whose current card expired before today', () => {
    expect(setup(congDan({ _id: HOA, ...card('2026-10-31') })).popFindings).toEqual([
      { source: 'population', recordKey: HOA, personalId: HOA, kind: 'EXPIRED_ID_CARD', sourceValue: '2026-10-31' },
    ]);
  });

  it('not on its last day, without expiry, without card, or for a deceased person', () => {
    expect(setup(congDan({ _id: HOA, ...card('2026-11-01') })).popFindings).toEqual([]);
    expect(setup(congDan({ _id: HOA, ...card(null) })).popFindings).toEqual([]);
    expect(setup(congDan({ _id: HOA, theCanCuoc: undefined, lichSuGiayTo: [] })).popFindings).toEqual([]);
    expect(
      setup(congDan({ _id: HOA, ...card('2024-01-01'), trangThai: 'DA_CHET', ngayMat: '2023-12-01' })).popFindings,
    ).toEqual([]);
  });
});

describe('keys and areas', () => {
  it('findingKey is the ground-truth _id', () => {
    expect(findingKey({ source: 'healthRecord', recordKey: HOA, kind: 'MISMATCH', field: 'sex' })).toBe(
      `healthRecord:${HOA}:MISMATCH:sex`,
    );
    expect(findingKey({ source: 'population', recordKey: HOA, kind: 'EXPIRED_ID_CARD' })).toBe(
      `population:${HOA}:EXPIRED_ID_CARD:`,
    );
  });

  it("a finding's area is its person's today area", () => {
    const s = setup(congDan({ _id: HOA }));
    const [f] = detectRecord('healthRecord', ehr(HOA, { gender: 'male' }), s.index, s.ctx);
    expect(findingArea(f, s.index)).toEqual({ province: PROVINCE.code, commune: COMMUNE.code });
    expect(
      findingArea({ source: 'healthRecord', recordKey: 'x', personalId: null, kind: 'ORPHAN' }, s.index),
    ).toBeNull();
    expect(s.index.get(HOA)).toMatchObject({ fullName: 'Nguyễn Thị Hòa', sex: 'Nữ', vitalStatus: 'ALIVE' });
  });
});
