import { createHash } from 'node:crypto';
import type { Document } from 'mongodb';
import type { GplxDoc } from '../../connectors/driving-licence/model';
import { TODAY, ageOn, parseIsoDay } from '../../mockdata/generator/dates';
import { COLLECTION_KEYS, generateAll, type CollectionKey } from '../../mockdata/generator/generate';
import { OLD_PROVINCES, PROVINCES, communeByCode, todayArea } from '../../mockdata/generator/areas';
import {
  applyNameVariant,
  foldName,
  moveToneMarkToSecondVowel,
  upperNoDiacritics,
  upperVi,
  type NameVariant,
} from '../../mockdata/generator/text';
import type { TheBhytDoc } from '../../connectors/health-insurance/model';
import type { HealthBookDoc } from '../../connectors/health-record/model';
import type { CongDanDoc } from '../../connectors/population/model';
import { SEED_TARGETS, seed } from '../../mockdata/seed/index';
import type { SoBhxhDoc } from '../../connectors/social-insurance/model';
import type { AccountDoc } from '../../services/accounts/store';
import { Store } from '../../store/connection';
import {
  DEFECT_KINDS,
  type DefectKind,
  type SeedDefectDoc,
  type SeedManifestDoc,
  type SourceName,
} from '../../mockdata/seed-meta';

const CITIZENS = 2000;
const SEED = 20261101;
/** Raised rates so that a couple of thousand citizens give enough defects to measure. */
const RATES: Record<DefectKind, number> = {
  FORMAT_ONLY: 0.05,
  MISMATCH: 0.04,
  OLD_ID_KEY: 0.05,
  ORPHAN: 0.03,
  DUPLICATE: 0.03,
  DECEASED_ACTIVE: 0.5,
  EXPIRED_ID_CARD: 0.06,
  // Unreadable records would break the shape checks below; detect.test.ts scores them.
  MALFORMED: 0,
};
const TODAY_ISO = '2026-11-01';

type All = ReturnType<typeof generateAll>;

/** SHA-256 of every collection's documents (sorted by _id, serialised with their key order). */
function hashAll(all: Record<CollectionKey | 'defects', Document[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...COLLECTION_KEYS, 'defects'] as const) {
    const h = createHash('sha256');
    const docs = [...all[k]].sort((a, b) =>
      String(a._id) < String(b._id) ? -1 : String(a._id) > String(b._id) ? 1 : 0,
    );
    for (const d of docs) h.update(JSON.stringify(d));
    out[k] = `${docs.length}:${h.digest('hex')}`;
  }
  return out;
}

/** The social-insurance number a record carries (social and health insurance), else undefined. */
function numberOf(source: SourceName, doc: { _id: string }): string | undefined {
  if (source === 'socialInsurance') return (doc as SoBhxhDoc).maSoBhxh;
  if (source === 'healthInsurance') return (doc as TheBhytDoc).MA_SO_BHXH;
  return undefined;
}

let a: All;
let aHash: Record<string, string>;
beforeAll(() => {
  a = generateAll({ citizens: CITIZENS, seed: SEED, rates: RATES });
  aHash = hashAll(a);
});

/** Collects failures of a per-document check and reports them all at once (one expect per test keeps jest fast). */
function problems<T>(items: readonly T[], check: (item: T) => string | null | undefined): string[] {
  const out: string[] = [];
  for (const it of items) {
    const p = check(it);
    if (p) out.push(p);
    if (out.length >= 10) break;
  }
  return out;
}

describe('generator, pure', () => {
  it('gives byte-identical documents for the same seed, whatever the chunk size', () => {
    const b = generateAll({ citizens: CITIZENS, seed: SEED, rates: RATES, householdsPerChunk: 37 });
    expect(hashAll(b as unknown as Record<CollectionKey | 'defects', Document[]>)).toEqual(aHash);
  });

  it('gives different data for another seed', () => {
    const c = generateAll({ citizens: CITIZENS, seed: SEED + 1, rates: RATES });
    const ha = aHash;
    const hc = hashAll(c);
    for (const k of COLLECTION_KEYS) expect(hc[k]).not.toEqual(ha[k]);
    const idsA = new Set(a.population.map((d) => d._id));
    const shared = c.population.filter((d) => idsA.has(d._id)).length;
    expect(shared).toBeLessThan(20);
  });

  it('makes exactly the requested number of people (population duplicates aside)', () => {
    const dups = a.defects.filter((d) => d.source === 'population' && d.kind === 'DUPLICATE').length;
    expect(a.population.length - dups).toBe(CITIZENS);
  });

  it('issues valid, unique personal IDs consistent with sex and birth year', () => {
    const idCodes = new Set(OLD_PROVINCES.map((o) => o.idCode));
    expect(idCodes.size).toBe(63);
    const seen = new Set<string>();
    const bad = problems(a.population, (d) => {
      if (!/^\d{12}$/.test(d._id)) return `${d._id}: not 12 digits`;
      if (seen.has(d._id)) return `${d._id}: duplicate`;
      seen.add(d._id);
      if (!idCodes.has(d._id.slice(0, 3))) return `${d._id}: unknown province code`;
      const year = Number(d.ngaySinh.slice(0, 4));
      const female = d.gioiTinh === 'Nữ';
      if (Number(d._id[3]) !== (year >= 2000 ? 2 : 0) + (female ? 1 : 0))
        return `${d._id}: sex/century digit vs ${d.gioiTinh} ${year}`;
      if (d._id.slice(4, 6) !== String(year % 100).padStart(2, '0')) return `${d._id}: year digits vs ${year}`;
      const age = ageOn(parseIsoDay(d.ngaySinh), TODAY);
      if (age < 0 || age > 96) return `${d._id}: age ${age}`;
      if (d.hoTen !== d.hoTen.normalize('NFC')) return `${d._id}: name not NFC`;
      return null;
    });
    expect(bad).toEqual([]);
  });

  it('links household members, parents, spouses and dependants by personal ID', () => {
    const byId = new Map(a.population.map((d) => [d._id, d]));
    let links = 0;
    const bad = problems(a.population, (d) => {
      const refs = [
        d.hoGiaDinh.chuHo.soDinhDanh,
        ...d.hoGiaDinh.thanhVien.map((m) => m.soDinhDanh),
        d.cha?.soDinhDanh,
        d.me?.soDinhDanh,
        d.voChong?.soDinhDanh,
        ...d.nguoiPhuThuoc.map((x) => x.soDinhDanh),
      ];
      for (const id of refs) {
        if (!id) continue;
        if (!byId.has(id)) return `${d._id}: dangling reference ${id}`;
        links++;
      }
      if (d.voChong?.soDinhDanh && byId.get(d.voChong.soDinhDanh)!.voChong?.soDinhDanh !== d._id)
        return `${d._id}: spouse link not symmetric`;
      for (const dep of d.nguoiPhuThuoc) {
        const child = byId.get(dep.soDinhDanh!)!;
        if (ageOn(parseIsoDay(child.ngaySinh), d.ngayMat ? parseIsoDay(d.ngayMat) : TODAY) >= 14)
          return `${d._id}: dependant ${child._id} is 14+`;
        if (dep.quanHe === 'Con' && child.cha?.soDinhDanh !== d._id && child.me?.soDinhDanh !== d._id)
          return `${d._id}: child ${child._id} does not name this parent`;
        if (child.hoGiaDinh.soHo !== d.hoGiaDinh.soHo) return `${d._id}: dependant in another household`;
      }
      if (d.cha?.soDinhDanh) {
        const f = byId.get(d.cha.soDinhDanh)!;
        if (f.gioiTinh !== 'Nam' || !(f.ngaySinh < d.ngaySinh)) return `${d._id}: implausible father ${f._id}`;
      }
      if (d.theCanCuoc && JSON.stringify(d.lichSuGiayTo[d.lichSuGiayTo.length - 1]) !== JSON.stringify(d.theCanCuoc))
        return `${d._id}: current card is not the last of the history`;
      for (const g of d.lichSuGiayTo) {
        if (g.loai === 'CMND' ? !/^\d{9}$/.test(g.so) : g.so !== d._id)
          return `${d._id}: card number ${g.so} (${g.loai})`;
        if (g.ngayHetHan && g.loai !== 'CMND') {
          // Expiry per the law: the 25th, 40th or 60th birthday (a child's identity card: the 14th).
          const age = ageOn(parseIsoDay(d.ngaySinh), parseIsoDay(g.ngayHetHan));
          const child =
            age === 14 && g.loai === 'THE_CAN_CUOC' && ageOn(parseIsoDay(d.ngaySinh), parseIsoDay(g.ngayCap)) < 14;
          const sameDay =
            g.ngayHetHan.slice(5) === d.ngaySinh.slice(5) ||
            (d.ngaySinh.slice(5) === '02-29' && g.ngayHetHan.slice(5) === '02-28');
          if ((!child && ![25, 40, 60].includes(age)) || !sameDay) return `${d._id}: card expiry ${g.ngayHetHan}`;
        }
      }
      return null;
    });
    expect(bad).toEqual([]);
    expect(links).toBeGreaterThan(CITIZENS * 3);
  });

  it('has realistic coverage', () => {
    const alive = a.population.filter((d) => d.trangThai === 'CON_SONG');
    const adults = a.population.filter((d) => ageOn(parseIsoDay(d.ngaySinh), TODAY) >= 18).length;
    expect(a.drivingLicence.length / adults).toBeGreaterThan(0.35);
    expect(a.drivingLicence.length / adults).toBeLessThan(0.6);
    expect(a.healthInsurance.length / a.population.length).toBeGreaterThan(0.88);
    expect(a.healthRecord.length / a.population.length).toBeGreaterThan(0.78);
    const deceased = a.population.length - alive.length;
    expect(deceased / a.population.length).toBeGreaterThan(0.003);
    expect(deceased / a.population.length).toBeLessThan(0.025);
    const legacy = a.population.filter((d) => d.noiThuongTru.huyen).length / a.population.length;
    expect(legacy).toBeGreaterThan(0.08);
    expect(legacy).toBeLessThan(0.25);
    for (const d of a.population) expect(todayArea(d.noiThuongTru)).not.toBeNull();
  });

  it('gives accounts only to living citizens aged 14+, with consistent history', () => {
    const byId = new Map(a.population.map((d) => [d._id, d]));
    expect(a.accounts.length).toBeGreaterThan(CITIZENS * 0.45);
    const bad = problems(a.accounts, (acc) => {
      const p = byId.get(acc._id);
      if (!p) return `${acc._id}: no such person`;
      if (p.trangThai !== 'CON_SONG') return `${acc._id}: deceased`;
      if (ageOn(parseIsoDay(p.ngaySinh), TODAY) < 14) return `${acc._id}: under 14`;
      const area = todayArea(p.noiThuongTru)!;
      if (acc.area.province !== area.province.code || acc.area.commune !== area.commune.code)
        return `${acc._id}: area ${JSON.stringify(acc.area)}`;
      if (communeByCode(acc.area.commune)!.provinceCode !== acc.area.province)
        return `${acc._id}: commune not in province`;
      if (acc.history[0].from !== null || acc.history[acc.history.length - 1].to !== acc.status)
        return `${acc._id}: history ends elsewhere`;
      for (let i = 1; i < acc.history.length; i++) {
        if (acc.history[i].from !== acc.history[i - 1].to) return `${acc._id}: history chain broken`;
        if (acc.history[i].at.getTime() < acc.history[i - 1].at.getTime())
          return `${acc._id}: history not in time order`;
      }
      if (acc.status === 'APPROVED' && TODAY * 86_400_000 - acc.notifiedAt!.getTime() >= 8 * 86_400_000)
        return `${acc._id}: approved long ago but not expired`;
      if (acc.lockReason === 'ID_CARD_EXPIRED' && !(p.theCanCuoc!.ngayHetHan! < TODAY_ISO))
        return `${acc._id}: locked for a valid card`;
      return null;
    });
    expect(bad).toEqual([]);
    const statuses = new Set(a.accounts.map((x) => x.status));
    expect(statuses.size).toBe(6);
  });

  it('writes form-only variants that really differ only in form', () => {
    expect(moveToneMarkToSecondVowel('Nguyễn Thị Hòa')).toBe('Nguyễn Thị Hoà');
    expect(moveToneMarkToSecondVowel('Lê Thúy')).toBe('Lê Thuý');
    expect(moveToneMarkToSecondVowel('Khỏe')).toBe('Khoẻ');
    expect(moveToneMarkToSecondVowel('Trần Thủy Quý Hoàng Tuyết Khoa')).toBe('Trần Thuỷ Quý Hoàng Tuyết Khoa');
    expect(moveToneMarkToSecondVowel('NGUYỄN THÙY')).toBe('NGUYỄN THUỲ');
    expect(moveToneMarkToSecondVowel('Mùa Văn Tủa')).toBe('Mùa Văn Tủa');
    const rows = a.defects.filter((d) => d.kind === 'FORMAT_ONLY');
    const variants = new Set(rows.map((r) => r.variant));
    expect(variants.size).toBe(5);
    for (const r of rows) {
      expect(r.source).not.toBe('socialInsurance');
      const upper = r.source === 'drivingLicence';
      const conv = upper ? upperVi(r.trueValue!) : r.trueValue!;
      expect(applyNameVariant(conv, r.variant as NameVariant, upper)).toBe(r.sourceValue);
      expect(foldName(r.sourceValue!)).toBe(foldName(r.trueValue!));
      expect(r.sourceValue).not.toBe(conv);
    }
    for (const r of a.defects.filter((d) => d.kind === 'MISMATCH' && d.field === 'fullName')) {
      expect(foldName(r.sourceValue!)).not.toBe(foldName(r.trueValue!));
    }
  });

  it('exports the 34 provinces with communes', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(PROVINCES.map((p) => p.code)).toContain('79');
    for (const p of PROVINCES) {
      expect(p.communes.length).toBeGreaterThanOrEqual(10);
      expect(p.communes.length).toBeLessThanOrEqual(40);
      for (const c of p.communes) expect(c.code).toMatch(new RegExp(`^${p.code}0\\d{2}$`));
    }
  });
});

// ---------------------------------------------------------------------------

interface Stored {
  population: CongDanDoc[];
  drivingLicence: GplxDoc[];
  healthInsurance: TheBhytDoc[];
  socialInsurance: SoBhxhDoc[];
  healthRecord: HealthBookDoc[];
  accounts: AccountDoc[];
  defects: SeedDefectDoc[];
}

describe('seeding the store', () => {
  let store: Store;
  let manifest: SeedManifestDoc;
  const s = {} as Stored;

  beforeAll(async () => {
    const uri = process.env.MONGODB_URI;
    if (!uri) throw new Error('MONGODB_URI is not set (run through jest: its global setup starts the store)');
    store = await Store.connect({ uri, dbPrefix: 'gen_', maxPoolSize: 16 });
    manifest = await seed(store, { citizens: CITIZENS, seed: SEED, rates: RATES });
    for (const k of [...COLLECTION_KEYS, 'defects'] as const) {
      const [db, col] = SEED_TARGETS[k];
      (s as unknown as Record<string, Document[]>)[k] = await (db === 'hub' ? store.hubDb : store.db(db))
        .collection(col)
        .find({})
        .toArray();
    }
  }, 120_000);

  afterAll(async () => {
    if (!store) return;
    // Collections, not databases: see clearDatabase in mockdata/seed/index.ts.
    for (const n of ['pop', 'gplx', 'bhyt', 'bhxh', 'ehr', 'hub', 'hubindex']) {
      const db = store.db(n);
      for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) await db.collection(c.name).drop();
    }
    await store.close();
  });

  it('stores exactly what the pure generator makes, and the manifest last', async () => {
    expect(hashAll(s as unknown as Record<CollectionKey | 'defects', Document[]>)).toEqual(aHash);
    expect(manifest._id).toBe('current');
    expect(manifest.rates).toEqual(RATES);
    for (const k of [...COLLECTION_KEYS, 'defects'] as const)
      expect(manifest.counts[SEED_TARGETS[k][1]]).toBe(s[k].length);
    const stored = await store.hubDb.collection<SeedManifestDoc>('seedManifest').findOne({ _id: 'current' });
    expect(stored?.citizens).toBe(CITIZENS);
    expect(stored!.finishedAt.getTime()).toBeGreaterThanOrEqual(stored!.startedAt.getTime());
  });

  it('has ground truth that matches the records exactly (precision and recall 1)', () => {
    const pop = new Map(s.population.map((d) => [d._id, d]));
    const cmnd = new Map<string, string>();
    for (const d of s.population) for (const g of d.lichSuGiayTo) if (g.loai === 'CMND') cmnd.set(g.so, d._id);

    const expected = new Set<string>();
    const add = (source: SourceName, key: string, kind: DefectKind, field?: string) =>
      expected.add(`${source}:${key}:${kind}:${field ?? ''}`);
    const truthById = new Map(s.defects.map((d) => [d._id, d]));

    // Population: expired cards of living people; duplicates = same human under two IDs.
    const identity = (d: CongDanDoc) =>
      [d.hoTen, d.ngaySinh, d.gioiTinh, d.cha?.hoTen ?? '', d.me?.hoTen ?? ''].join('|');
    const groups = new Map<string, CongDanDoc[]>();
    for (const d of s.population) {
      if (d.trangThai === 'CON_SONG' && d.theCanCuoc?.ngayHetHan && d.theCanCuoc.ngayHetHan < TODAY_ISO)
        add('population', d._id, 'EXPIRED_ID_CARD');
      const g = groups.get(identity(d)) ?? [];
      g.push(d);
      groups.set(identity(d), g);
    }
    for (const g of groups.values()) {
      if (g.length < 2) continue;
      expect(g).toHaveLength(2);
      const dup = g.find(
        (d) =>
          d.lichSuGiayTo.length === 0 &&
          d.hoGiaDinh.thanhVien.length === 1 &&
          truthById.has(`population:${d._id}:DUPLICATE:`),
      );
      expect(dup).toBeDefined();
      const original = g.find((d) => d !== dup)!;
      expect(truthById.get(`population:${dup!._id}:DUPLICATE:`)!.personalId).toBe(original._id);
      add('population', dup!._id, 'DUPLICATE');
    }

    interface View {
      name: string;
      dob: string;
      sex: 'Nam' | 'Nữ';
    }
    const dmyIso = (x: string) => `${x.slice(6, 10)}-${x.slice(3, 5)}-${x.slice(0, 2)}`;
    const sources: Array<{
      source: SourceName;
      docs: Array<{ _id: string }>;
      view: (d: never) => View;
      conv: (n: string) => string;
      formatOnly: boolean;
      active?: (d: never, death: string) => boolean;
    }> = [
      {
        source: 'drivingLicence',
        docs: s.drivingLicence,
        view: (d: GplxDoc) => ({
          name: d.holder.name,
          dob: `${d.holder.birth.slice(0, 4)}-${d.holder.birth.slice(4, 6)}-${d.holder.birth.slice(6, 8)}`,
          sex: d.holder.gender === 'M' ? 'Nam' : 'Nữ',
        }),
        conv: upperVi,
        formatOnly: true,
        active: (d: GplxDoc) =>
          d.status === 'ACTIVE' && d.classes.some((c) => c.expires === null || c.expires >= '20261101'),
      },
      {
        source: 'healthInsurance',
        docs: s.healthInsurance,
        view: (d: TheBhytDoc) => ({ name: d.HO_TEN, dob: dmyIso(d.NGAY_SINH), sex: d.GIOI_TINH === 1 ? 'Nam' : 'Nữ' }),
        conv: (n) => n,
        formatOnly: true,
        active: (d: TheBhytDoc, death: string) => dmyIso(d.GT_THE_DEN) > death && dmyIso(d.GT_THE_DEN) > TODAY_ISO,
      },
      {
        source: 'socialInsurance',
        docs: s.socialInsurance,
        view: (d: SoBhxhDoc) => ({ name: d.hoTen, dob: dmyIso(d.ngaySinh), sex: d.gioiTinh === 'NAM' ? 'Nam' : 'Nữ' }),
        conv: upperNoDiacritics,
        formatOnly: false,
      },
      {
        source: 'healthRecord',
        docs: s.healthRecord,
        view: (d: HealthBookDoc) => ({
          name: d.patient.name,
          dob: d.patient.birthDate,
          sex: d.patient.gender === 'male' ? 'Nam' : 'Nữ',
        }),
        conv: (n) => n,
        formatOnly: true,
      },
    ];
    for (const src of sources) {
      const keys = new Set(src.docs.map((d) => d._id));
      for (const doc of src.docs) {
        const v = src.view(doc as never);
        let personId: string | undefined;
        // Since 1 August 2025 the social-insurance number is the personal ID (older: 10 digits).
        const number = numberOf(src.source, doc);
        if (pop.has(doc._id)) personId = doc._id;
        else if (/^\d{9}$/.test(doc._id)) {
          personId = cmnd.get(doc._id);
          expect(personId).toBeDefined();
          add(src.source, doc._id, 'OLD_ID_KEY');
        } else if (/^\d{10}$/.test(doc._id)) {
          // A book filed under its older 10-digit number: its number in force names the person.
          expect(src.source).toBe('socialInsurance');
          expect((doc as unknown as SoBhxhDoc).maSoBhxhCu).toBe(doc._id);
          personId = number!;
          expect(pop.has(personId)).toBe(true);
          add(src.source, doc._id, 'OLD_ID_KEY');
        } else {
          expect(doc._id).toMatch(/^\d{12}$/);
          const row = truthById.get(`${src.source}:${doc._id}:DUPLICATE:`);
          if (row) {
            // A second record of a real person who also has a normal record here.
            const p = pop.get(row.personalId!)!;
            expect(keys.has(p._id) || [...cmnd.entries()].some(([so, id]) => id === p._id && keys.has(so))).toBe(true);
            expect(v.dob).toBe(p.ngaySinh);
            expect(v.sex).toBe(p.gioiTinh);
            expect(v.name).toBe(src.conv(p.hoTen));
            add(src.source, doc._id, 'DUPLICATE');
          } else {
            add(src.source, doc._id, 'ORPHAN');
          }
          continue;
        }
        const p = pop.get(personId!)!;
        const expectedName = src.conv(p.hoTen);
        if (v.name !== expectedName) {
          if (foldName(v.name) === foldName(p.hoTen)) {
            expect(src.formatOnly).toBe(true);
            add(src.source, doc._id, 'FORMAT_ONLY', 'fullName');
          } else add(src.source, doc._id, 'MISMATCH', 'fullName');
        }
        if (v.dob !== p.ngaySinh) add(src.source, doc._id, 'MISMATCH', 'dateOfBirth');
        if (v.sex !== p.gioiTinh) add(src.source, doc._id, 'MISMATCH', 'sex');
        if (number !== undefined) {
          expect(number).toMatch(/^(\d{10}|\d{12})$/);
          if (number.length === 12 && number !== p._id) add(src.source, doc._id, 'MISMATCH', 'socialInsuranceNumber');
        }
        if (p.trangThai === 'DA_CHET' && src.active?.(doc as never, p.ngayMat!))
          add(src.source, doc._id, 'DECEASED_ACTIVE');
      }
    }

    const actual = new Set(s.defects.map((d) => d._id));
    const missing = [...expected].filter((x) => !actual.has(x));
    const extra = [...actual].filter((x) => !expected.has(x));
    expect(missing).toEqual([]);
    expect(extra).toEqual([]);
    for (const k of DEFECT_KINDS.filter((k) => RATES[k] > 0)) {
      expect(s.defects.some((d) => d.kind === k)).toBe(true);
    }
    // ORPHAN keys belong to nobody in population; OLD_ID_KEY rows name the CMND's owner.
    for (const d of s.defects) {
      if (d.kind === 'ORPHAN') {
        expect(d.personalId).toBeNull();
        expect(pop.has(d.recordKey)).toBe(false);
      }
      if (d.kind === 'OLD_ID_KEY' && d.recordKey.length === 10) {
        const book = s.socialInsurance.find((b) => b._id === d.recordKey)!;
        expect(book.maSoBhxh).toBe(d.personalId);
      } else if (d.kind === 'OLD_ID_KEY') {
        expect(d.recordKey).toMatch(/^\d{9}$/);
        expect(pop.get(d.personalId!)!.lichSuGiayTo.some((g) => g.loai === 'CMND' && g.so === d.recordKey)).toBe(true);
      }
    }
  });

  it('injects defects at the configured rates (within binomial tolerance)', () => {
    const pop = new Map(s.population.map((d) => [d._id, d]));
    const realPeople = new Set(
      s.population
        .filter(
          (d) => !s.defects.some((x) => x.kind === 'DUPLICATE' && x.source === 'population' && x.recordKey === d._id),
        )
        .map((d) => d._id),
    );
    const cmndOwner = new Map<string, string>();
    for (const d of s.population) for (const g of d.lichSuGiayTo) if (g.loai === 'CMND') cmndOwner.set(g.so, d._id);
    const count = (kind: DefectKind, source?: SourceName) =>
      s.defects.filter((d) => d.kind === kind && (!source || d.source === source)).length;
    const check = (label: string, hits: number, n: number, rate: number) => {
      const expected = n * rate;
      const sd = Math.sqrt(n * rate * (1 - rate));
      const tol = 4 * sd + 2;
      if (Math.abs(hits - expected) > tol)
        throw new Error(`${label}: ${hits} of ${n}, expected ${expected.toFixed(1)} ± ${tol.toFixed(1)}`);
    };

    // Normal records: those of real people (keyed by personal ID or CMND).
    const normal: Record<string, Array<{ _id: string; owner: string; olderNumber: boolean }>> = {};
    for (const [source, docs] of [
      ['drivingLicence', s.drivingLicence],
      ['healthInsurance', s.healthInsurance],
      ['socialInsurance', s.socialInsurance],
      ['healthRecord', s.healthRecord],
    ] as const) {
      normal[source] = (docs as Array<{ _id: string }>)
        .map((d) => ({
          _id: d._id,
          owner: realPeople.has(d._id)
            ? d._id
            : (cmndOwner.get(d._id) ?? (/^\d{10}$/.test(d._id) ? (d as SoBhxhDoc).maSoBhxh : '')),
          olderNumber: source === 'socialInsurance' && !!(d as SoBhxhDoc).maSoBhxhCu,
        }))
        .filter((d) => d.owner !== '');
    }
    const all = Object.values(normal).flat();
    const formatSources = ['drivingLicence', 'healthInsurance', 'healthRecord'];
    check(
      'FORMAT_ONLY',
      count('FORMAT_ONLY'),
      formatSources.reduce((n, k) => n + normal[k].length, 0),
      RATES.FORMAT_ONLY,
    );
    check('MISMATCH', count('MISMATCH'), all.length, RATES.MISMATCH);
    check('ORPHAN', count('ORPHAN'), all.length, RATES.ORPHAN);
    check(
      'DUPLICATE (sources)',
      s.defects.filter((d) => d.kind === 'DUPLICATE' && d.source !== 'population').length,
      all.length,
      RATES.DUPLICATE,
    );
    check(
      'OLD_ID_KEY',
      count('OLD_ID_KEY'),
      // People with an old CMND, and (social insurance) converted books that kept their older number.
      all.filter((d) => d.olderNumber || pop.get(d.owner)!.lichSuGiayTo.some((g) => g.loai === 'CMND')).length,
      RATES.OLD_ID_KEY,
    );
    const deceasedRecords = ['drivingLicence', 'healthInsurance'].reduce(
      (n, k) => n + normal[k].filter((d) => pop.get(d.owner)!.trangThai === 'DA_CHET').length,
      0,
    );
    check('DECEASED_ACTIVE', count('DECEASED_ACTIVE'), deceasedRecords, RATES.DECEASED_ACTIVE);
    const living = s.population.filter((d) => realPeople.has(d._id) && d.trangThai === 'CON_SONG');
    check('DUPLICATE (population)', count('DUPLICATE', 'population'), living.length, RATES.DUPLICATE);
    const eligible = living.filter((d) => d.lichSuGiayTo.some((g) => g.ngayHetHan && g.ngayHetHan < TODAY_ISO)).length;
    check('EXPIRED_ID_CARD', count('EXPIRED_ID_CARD'), eligible, RATES.EXPIRED_ID_CARD);
  });
});
