/**
 * The population side of detection: a few compact identity facts per person (name and its
 * folded key, date of birth, sex, vital status, today's area, current card expiry) and the old
 * 9-digit CMND numbers of the ID-card history, built by streaming the population's raw
 * documents. Memory is O(population); the index lives in memory only (a resumed run rebuilds it).
 *
 * It reports the population's own defects as documents arrive:
 * - `EXPIRED_ID_CARD`: a living person whose current card expired before `today`;
 * - `DUPLICATE`: two records with the same name, date of birth, sex and parents' names (the same
 *   name as `names.ts` compares them: form differences aside). The kept record is the one with
 *   identity documents, then the one sharing a household, then the more recent registration; the
 *   finding is on the other record, with the kept record's personal ID;
 * - `MALFORMED`: every field read that cannot be read (see readers.ts).
 */
import { createHash } from 'node:crypto';
import { oldProvinceByCode, provinceByCode, todayArea } from '../../reference/areas';
import { CODE_MAX, NAME_MAX, codeProblem, objectProblem, textProblem } from '../../connectors/identity';
import type { CongDanDoc } from '../../connectors/population/model';
import { nameKey } from './names';
import type { Area, Finding } from './model';
import {
  Malformed,
  NONE,
  PERSONAL_ID,
  populationRecordKey,
  readDateField,
  readSexField,
  sameName,
  valueProblem,
} from './readers';

// Module-level alias of a global (under jest each global lookup goes through the test context).
const imul = Math.imul;

const MALE = 1;
const DECEASED = 2;
const HAS_ID_DOCUMENTS = 4;
const SHARED_HOUSEHOLD = 8;
/** The sex cannot be read (never compared). */
const SEX_UNKNOWN = 16;
/** The vital status cannot be read (neither deceased nor judged for an expired card). */
const STATUS_UNKNOWN = 32;

const CMND = /^\d{9}$/;
const DOCUMENT_KINDS = ['CMND', 'CCCD', 'CCCD_GAN_CHIP', 'THE_CAN_CUOC'];

/** Identity facts of one person, as kept by the index. */
export interface PersonFacts {
  personalId: string;
  fullName: string | null; // NFC; null: unreadable (a MALFORMED finding)
  dateOfBirth: string | null; // YYYY-MM-DD; null: unreadable
  sex: 'Nam' | 'Nữ' | null;
  vitalStatus: 'ALIVE' | 'DECEASED';
  dateOfDeath: string | null;
  area: Area | null;
  /** Expiry of the current identity card (null: none, or no expiry). */
  cardExpiresOn: string | null;
}

/** cyrb53: a fast 53-bit string hash (public domain), used to key identities compactly. */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = imul(h1 ^ ch, 2654435761);
    h2 = imul(h2 ^ ch, 1597334677);
  }
  h1 = imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Today's province and commune of a permanent residence, and its registration date; reports what cannot be read. */
function readResidence(
  v: unknown,
  m: Malformed,
): { province: string | null; commune: string | null; registered: string } {
  const none = { province: null, commune: null, registered: '' };
  const p = objectProblem(v);
  if (p) {
    m.bad('noiThuongTru', p);
    return none;
  }
  const a = v as Record<string, unknown>;
  let registered = '';
  const reg = readDateField(a.ngayDangKy, 'ISO');
  if (reg.problem) m.bad('noiThuongTru.ngayDangKy', reg.problem);
  else registered = reg.value!;
  const code = (field: 'xa' | 'tinh' | 'huyen'): string | null => {
    const unit = a[field] as Record<string, unknown> | undefined;
    const up = objectProblem(unit);
    if (up) {
      m.bad(`noiThuongTru.${field}`, up);
      return null;
    }
    const cp = textProblem(unit!.ma, CODE_MAX);
    if (cp) m.bad(`noiThuongTru.${field}.ma`, cp);
    return cp ? null : (unit!.ma as string);
  };
  const legacy = a.huyen !== undefined && a.huyen !== null;
  if (legacy) code('huyen');
  const xa = code('xa');
  const tinh = code('tinh');
  // The province alone when the commune cannot be read (a legacy record's is a pre-2025 code).
  const provinceOnly = tinh === null ? null : legacy ? (oldProvinceByCode(tinh)?.newCode ?? null) : tinh;
  if (xa !== null && tinh !== null) {
    const area = todayArea({ xa: { ma: xa }, huyen: legacy ? a.huyen : undefined, tinh: { ma: tinh } });
    if (area) return { province: area.province.code, commune: area.commune.code, registered };
    m.bad('noiThuongTru.xa.ma', 'UNKNOWN_CODE');
  }
  return { province: provinceByCode(provinceOnly ?? '') ? provinceOnly : null, commune: null, registered };
}

/** The expiry of the current identity card (null: no card, no expiry, or unreadable: reported). */
function readCardExpiry(card: Record<string, unknown> | undefined | null, m: Malformed): string | null {
  if (card === undefined || card === null) return null;
  if (objectProblem(card)) {
    m.bad('theCanCuoc', objectProblem(card)!);
    return null;
  }
  if (card.ngayHetHan === undefined || card.ngayHetHan === null) return null;
  const e = readDateField(card.ngayHetHan, 'ISO');
  if (e.problem) m.bad('theCanCuoc.ngayHetHan', e.problem);
  return e.problem ? null : e.value;
}

/**
 * A foreigner's residence card (`theCuTru`, absent for citizens): every field is checked, an
 * unreadable one is a MALFORMED finding (the account service then treats the card as not valid).
 */
function readResidenceCard(card: unknown, m: Malformed): void {
  if (card === undefined) return;
  const problem = objectProblem(card);
  if (problem) {
    m.bad('theCuTru', problem);
    return;
  }
  const c = card as Record<string, unknown>;
  const kind = codeProblem(c.loai, ['THUONG_TRU', 'TAM_TRU']);
  if (kind) m.bad('theCuTru.loai', kind);
  const no = textProblem(c.so, CODE_MAX);
  if (no) m.bad('theCuTru.so', no);
  for (const key of ['ngayCap', 'ngayHetHan'] as const) {
    const d = readDateField(c[key], 'ISO');
    if (d.problem) m.bad(`theCuTru.${key}`, d.problem);
  }
  const by = textProblem(c.noiCap, NAME_MAX);
  if (by) m.bad('theCuTru.noiCap', by);
}

/** Father's and mother's names ('' when none; null when either cannot be read: reported). */
function readParents(raw: Record<string, unknown>, m: Malformed): [string, string] | null {
  const parents: Array<string | null> = [];
  for (const who of ['cha', 'me'] as const) {
    const r = raw[who] as Record<string, unknown> | undefined | null;
    if (r === undefined || r === null) parents.push('');
    else if (objectProblem(r)) {
      m.bad(who, objectProblem(r)!);
      parents.push(null);
    } else {
      const p = textProblem(r.hoTen, NAME_MAX);
      if (p) m.bad(`${who}.hoTen`, p);
      parents.push(p ? null : (r.hoTen as string).normalize('NFC'));
    }
  }
  return parents[0] === null || parents[1] === null ? null : [parents[0], parents[1]];
}

/**
 * The population side: compact identity facts per personal ID, in dense arrays indexed by a
 * *slot* (the person's number in the index). Built by streaming raw population documents.
 */
export class PopulationIndex {
  readonly today: string;
  private readonly slots = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly names: Array<string | null> = [];
  private readonly keys: string[] = [];
  private readonly dobs: Array<string | null> = [];
  /** Father's and mother's names ('' when none; null: unreadable). */
  private readonly parents: Array<[string, string] | null> = [];
  private readonly flags: number[] = [];
  private readonly provinces: Array<string | null> = [];
  private readonly communes: Array<string | null> = [];
  private readonly cardExpiry: Array<string | null> = [];
  private readonly registered: string[] = [];
  private readonly deaths = new Map<number, string>();
  /** Old 9-digit CMND → slot. */
  private readonly oldIds = new Map<string, number>();
  /** hash53(name, date of birth, sex, parents) → slot of the record kept for that identity. */
  private readonly identities = new Map<number, number>();
  /** SHA-1 of the personal IDs in slot order (see {@link fingerprint}). */
  private readonly idHash = createHash('sha1');

  /** `today`: YYYY-MM-DD, the day cards are judged on (`REFERENCE_TODAY` for generated data). */
  constructor(opts: { today: string }) {
    this.today = opts.today;
  }

  /** Number of population records indexed. */
  get size(): number {
    return this.ids.length;
  }

  /**
   * A digest of the personal IDs in slot order: two indexes with the same fingerprint give every
   * person the same slot (what a run's saved duplicate state relies on).
   */
  fingerprint(): string {
    return this.idHash.copy().digest('base64url');
  }

  /**
   * Indexes one population record (adding it again replaces its facts) and returns its
   * population-side findings: `EXPIRED_ID_CARD`, and `DUPLICATE` when it completes a pair (the
   * finding may then concern the record indexed earlier).
   */
  add(doc: CongDanDoc): readonly Finding[] {
    // Nothing of the document is assumed: every field is checked before it is used.
    const raw = doc as unknown as Record<string, unknown>;
    const validId = typeof doc._id === 'string' && PERSONAL_ID.test(doc._id);
    // An unusable _id is never kept: the record is known by its hashed key.
    const id = populationRecordKey(doc._id);
    const m = new Malformed('population', id, validId ? id : null);
    if (!validId) m.bad('_id', typeof doc._id === 'string' ? 'BAD_FORMAT' : valueProblem(doc._id));
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.ids.length;
      this.slots.set(id, slot);
      this.ids.push(id);
      this.idHash.update(id + '\n');
    }

    const f = this.readIdentity(slot, raw, m) | this.readDocuments(slot, raw, m);
    this.flags[slot] = f;

    // Today's area, as much of it as is readable.
    const area = readResidence(raw.noiThuongTru, m);
    this.provinces[slot] = area.province;
    this.communes[slot] = area.commune;
    this.registered[slot] = area.registered;

    const expiry = readCardExpiry(raw.theCanCuoc as Record<string, unknown> | undefined | null, m);
    this.cardExpiry[slot] = expiry;
    this.parents[slot] = readParents(raw, m);
    readResidenceCard(raw.theCuTru, m);

    let out: Finding[] | null = m.findings;
    if (!(f & (DECEASED | STATUS_UNKNOWN)) && expiry && expiry < this.today) {
      (out ??= []).push({
        source: 'population',
        recordKey: id,
        personalId: id,
        kind: 'EXPIRED_ID_CARD',
        sourceValue: expiry,
      });
    }
    const dup = this.duplicateOf(slot);
    if (dup) (out ??= []).push(dup);
    return out ?? NONE;
  }

  /**
   * Keeps the record's name, date of birth and death; returns its sex and vital-status flags.
   * Unreadable values are kept as unknown (null), and never compared.
   */
  private readIdentity(slot: number, raw: Record<string, unknown>, m: Malformed): number {
    const nameProblem = textProblem(raw.hoTen, NAME_MAX);
    const name = nameProblem ? null : (raw.hoTen as string).normalize('NFC');
    if (nameProblem) m.bad('hoTen', nameProblem);
    this.names[slot] = name;
    this.keys[slot] = name === null ? '' : nameKey(name);
    const dob = readDateField(raw.ngaySinh, 'ISO');
    if (dob.problem) m.bad('ngaySinh', dob.problem);
    else if (dob.coded) m.coded('dateOfBirth', String(raw.ngaySinh), dob.value!);
    this.dobs[slot] = dob.value;
    const sex = readSexField(raw.gioiTinh, 'Nam', 'Nữ');
    if (sex.problem) m.bad('gioiTinh', sex.problem);
    else if (sex.coded) m.coded('sex', String(raw.gioiTinh), sex.value === 'M' ? 'Nam' : 'Nữ');
    let f = sex.value === null ? SEX_UNKNOWN : sex.value === 'M' ? MALE : 0;
    const statusProblem = codeProblem(raw.trangThai, ['CON_SONG', 'DA_CHET']);
    if (statusProblem) {
      m.bad('trangThai', statusProblem);
      f |= STATUS_UNKNOWN;
    }
    this.deaths.delete(slot);
    if (raw.trangThai === 'DA_CHET') {
      f |= DECEASED;
      let death = '';
      if (raw.ngayMat !== undefined && raw.ngayMat !== null) {
        const d = readDateField(raw.ngayMat, 'ISO');
        if (d.problem) m.bad('ngayMat', d.problem);
        else death = d.value!;
      }
      this.deaths.set(slot, death);
    }
    return f;
  }

  /** Keeps the old CMND numbers; returns whether there are identity documents and a shared household. */
  private readDocuments(slot: number, raw: Record<string, unknown>, m: Malformed): number {
    let f = 0;
    const history = raw.lichSuGiayTo;
    if (!Array.isArray(history)) m.bad('lichSuGiayTo', valueProblem(history));
    else {
      if (history.length > 0) f |= HAS_ID_DOCUMENTS;
      for (const g of history as unknown[]) {
        if (objectProblem(g)) {
          m.bad('lichSuGiayTo', objectProblem(g)!);
          continue;
        }
        const { loai, so } = g as Record<string, unknown>;
        const kind = codeProblem(loai, DOCUMENT_KINDS);
        if (kind) m.bad('lichSuGiayTo.loai', kind);
        const number = textProblem(so, CODE_MAX) ?? (loai === 'CMND' && !CMND.test(so as string) ? 'BAD_FORMAT' : null);
        if (number) m.bad('lichSuGiayTo.so', number);
        else if (loai === 'CMND') this.oldIds.set(so as string, slot);
      }
    }
    const household = raw.hoGiaDinh as Record<string, unknown> | undefined;
    if (objectProblem(household)) m.bad('hoGiaDinh', objectProblem(household)!);
    else if (!Array.isArray(household!.thanhVien)) m.bad('hoGiaDinh.thanhVien', valueProblem(household!.thanhVien));
    else if ((household!.thanhVien as unknown[]).length > 1) f |= SHARED_HOUSEHOLD;
    return f;
  }

  private duplicateOf(slot: number): Finding | null {
    const name = this.names[slot];
    const dob = this.dobs[slot];
    const parents = this.parents[slot];
    const f = this.flags[slot];
    if (name === null || dob === null || parents === null || f & SEX_UNKNOWN) return null;
    // The folded forms: names that differ only in form fall in the same bucket.
    const h = hash53(
      `${this.keys[slot]}\u0000${dob}\u0000${f & MALE}\u0000${nameKey(parents[0])}\u0000${nameKey(parents[1])}`,
    );
    const other = this.identities.get(h);
    if (other === undefined || other === slot) {
      this.identities.set(h, slot);
      return null;
    }
    // The same name (names.ts: equal, possibly in another form), birth date, sex and parents.
    const op = this.parents[other];
    if (
      this.dobs[other] !== dob ||
      (this.flags[other] ^ f) & (MALE | SEX_UNKNOWN) ||
      op === null ||
      !sameName(this.names[other], name) ||
      !sameName(op[0], parents[0]) ||
      !sameName(op[1], parents[1])
    ) {
      return null;
    }
    const keep = this.preferred(other, slot);
    const drop = keep === slot ? other : slot;
    this.identities.set(h, keep);
    const kept = this.ids[keep];
    return {
      source: 'population',
      recordKey: this.ids[drop],
      personalId: PERSONAL_ID.test(kept) ? kept : null,
      kind: 'DUPLICATE',
    };
  }

  /** Of two records of one human, the one to keep: identity documents, a shared household, later registration. */
  private preferred(a: number, b: number): number {
    const score = (s: number): number =>
      (PERSONAL_ID.test(this.ids[s]) ? 4 : 0) +
      (this.flags[s] & HAS_ID_DOCUMENTS ? 2 : 0) +
      (this.flags[s] & SHARED_HOUSEHOLD ? 1 : 0);
    const d = score(a) - score(b);
    if (d !== 0) return d > 0 ? a : b;
    if (this.registered[a] !== this.registered[b]) return this.registered[a] > this.registered[b] ? a : b;
    return this.ids[a] < this.ids[b] ? a : b;
  }

  /** The slot of a personal ID, or -1. */
  slotOf(personalId: string): number {
    return this.slots.get(personalId) ?? -1;
  }

  /** The slot of the person an old 9-digit CMND was issued to, or -1. */
  slotOfOldId(cmnd: string): number {
    return this.oldIds.get(cmnd) ?? -1;
  }

  idOf(slot: number): string {
    return this.ids[slot];
  }

  /** The person's name, NFC (null: unreadable in the population). */
  nameOf(slot: number): string | null {
    return this.names[slot];
  }

  /** The folded name ({@link nameKey}), computed once per person. */
  nameKeyOf(slot: number): string {
    return this.keys[slot];
  }

  /** YYYY-MM-DD (null: unreadable in the population). */
  dateOfBirthOf(slot: number): string | null {
    return this.dobs[slot];
  }

  isMale(slot: number): boolean {
    return (this.flags[slot] & MALE) !== 0;
  }

  /** Male, female, or null when the population's value cannot be read. */
  maleOf(slot: number): boolean | null {
    const f = this.flags[slot];
    return f & SEX_UNKNOWN ? null : (f & MALE) !== 0;
  }

  /** The province of a person's residence even when the commune is unknown (null: none readable). */
  provinceOfSlot(slot: number): string | null {
    return slot < 0 ? null : this.provinces[slot];
  }

  isDeceased(slot: number): boolean {
    return (this.flags[slot] & DECEASED) !== 0;
  }

  dateOfDeathOf(slot: number): string | null {
    return this.deaths.get(slot) ?? null;
  }

  /** Today's province and commune of a person's permanent residence (null: unknown person or codes). */
  areaOf(personalId: string): Area | null {
    return this.areaOfSlot(this.slotOf(personalId));
  }

  /** The same by slot (-1: null). */
  areaOfSlot(slot: number): Area | null {
    if (slot < 0) return null;
    const province = this.provinces[slot];
    const commune = this.communes[slot];
    return province && commune ? { province, commune } : null;
  }

  /** Today's province code of a person (no allocation; for filtering runs by area). */
  provinceOf(personalId: string): string | null {
    const slot = this.slotOf(personalId);
    return slot < 0 ? null : this.provinces[slot];
  }

  get(personalId: string): PersonFacts | null {
    const slot = this.slotOf(personalId);
    if (slot < 0) return null;
    return {
      personalId,
      fullName: this.names[slot],
      dateOfBirth: this.dobs[slot],
      sex: this.flags[slot] & SEX_UNKNOWN ? null : this.isMale(slot) ? 'Nam' : 'Nữ',
      vitalStatus: this.isDeceased(slot) ? 'DECEASED' : 'ALIVE',
      dateOfDeath: this.dateOfDeathOf(slot),
      area: this.areaOf(personalId),
      cardExpiresOn: this.cardExpiry[slot],
    };
  }
}
