/**
 * Defect detection for the reconciliation workbench: pure, streaming, bounded memory.
 *
 * 1. Stream the population's raw documents into a {@link PopulationIndex}. It keeps a few compact
 *    identity facts per person (name and its folded key, date of birth, sex, vital status, today's
 *    area, current card expiry) and the old 9-digit CMND numbers of the ID-card history, and
 *    reports the population's own defects as documents arrive: `EXPIRED_ID_CARD` and `DUPLICATE`.
 * 2. Stream each other source's raw documents through {@link detectRecord} with one
 *    {@link DuplicateTracker} for the run; call {@link DuplicateTracker.finish} at the end.
 *
 * Memory is the index (O(population)) plus at most one byte per person in the tracker; source
 * records are never kept. Every finding carries {@link findingKey}, equal to the generator's
 * ground-truth `_id`, so a re-run rewrites the same documents.
 *
 * Per record of a source:
 * - **resolve the person**: by the 12-digit personal ID under which the record is keyed; else by
 *   an old 9-digit CMND of the person's ID-card history → `OLD_ID_KEY`; else by a *near-miss key*
 *   (one digit of a 12-digit key substituted) whose person has the same folded name, date of
 *   birth and sex: such a record is a copy of the person's record under a mistyped key; else
 *   → `ORPHAN` (no person).
 * - **compare identity** with the population: full name (see `names.ts`; each source's own
 *   storage convention is not a defect: upper case in driving licences, upper case without
 *   diacritics in social insurance) → `FORMAT_ONLY` with the variant, or `MISMATCH`; date of
 *   birth and sex → `MISMATCH`. Values are reported as the source stores them and as the
 *   population does.
 * - **deceased, still valid** (`DECEASED_ACTIVE`): the person is deceased in the population and
 *   the record is valid on `today`: a driving licence with status ACTIVE and a class that has no
 *   expiry or expires on/after today; a health-insurance card valid to today or later.
 *   Social-insurance books and health records have no validity, so never.
 * - **duplicates** (`DUPLICATE`): a second record of the same person in the same source. The
 *   record kept is the one keyed by the personal ID, then by an old CMND, then by a near-miss
 *   key; the other is the duplicate, whichever order they arrive in.
 *
 * - **unreadable fields** (`MALFORMED`, any source, the population included): nothing of a record
 *   is assumed present or well typed; a field read that is missing, null, wrongly typed, empty,
 *   oversized, with control characters, an unknown code or no date is a finding of its own (the
 *   source's field path, the problem) and is never compared. A date or sex readable in another
 *   coding than the source's is normalised and, when equal, `FORMAT_ONLY` (`CODING`) with the
 *   field. Rules and examples: docs/reconciliation-rules.md.
 *
 * Population (in {@link PopulationIndex.add}):
 * - `EXPIRED_ID_CARD`: a living person whose current card expired before `today`;
 * - `DUPLICATE`: two records with the same name, date of birth, sex and parents' names (the same
 *   name as `names.ts` compares them: form differences aside). The kept
 *   record is the one with identity documents, then the one sharing a household, then the more
 *   recent registration; the finding is on the other record, with the kept record's personal ID.
 */
import { createHash } from 'node:crypto';
import type { GplxDoc } from '../../connectors/driving-licence/model';
import { readDate, type DateForm } from '../../lib/dates';
import { oldProvinceByCode, provinceByCode, todayArea } from '../../reference/areas';
import { CODE_MAX, NAME_MAX, codeProblem, objectProblem, readSex, textProblem } from '../../connectors/identity';
import type { TheBhytDoc } from '../../connectors/health-insurance/model';
import type { HealthBookDoc } from '../../connectors/health-record/model';
import type { CongDanDoc } from '../../connectors/population/model';
import type { SoBhxhDoc } from '../../connectors/social-insurance/model';
import { compareNames, mainVariant, nameKey, type NameVariant } from './names';
import {
  OTHER_SOURCES,
  type Area,
  type Finding,
  type IdentityField,
  type OtherSource,
  type Problem,
  type SourceName,
} from './model';

export { findingKey, type Area, type Finding, type OtherSource } from './model';

// Module-level aliases of globals (under jest each global lookup goes through the test context).
const imul = Math.imul;
const fromCharCode = String.fromCharCode;

/** The raw document type of each source. */
export interface SourceDocs {
  drivingLicence: GplxDoc;
  healthInsurance: TheBhytDoc;
  socialInsurance: SoBhxhDoc;
  healthRecord: HealthBookDoc;
}

const NONE: readonly Finding[] = Object.freeze([]);

// ---------------------------------------------------------------------------------------------
// Population index

const MALE = 1;
const DECEASED = 2;
const HAS_ID_DOCUMENTS = 4;
const SHARED_HOUSEHOLD = 8;
/** The sex cannot be read (never compared). */
const SEX_UNKNOWN = 16;
/** The vital status cannot be read (neither deceased nor judged for an expired card). */
const STATUS_UNKNOWN = 32;

const PERSONAL_ID = /^\d{12}$/;
const CMND = /^\d{9}$/;
const DOCUMENT_KINDS = ['CMND', 'CCCD', 'CCCD_GAN_CHIP', 'THE_CAN_CUOC'];

// ---------------------------------------------------------------------------------------------
// Record keys (a stored `_id` is copied into a finding only when it is usable)

/**
 * The record key of an unusable `_id` (not a string, oversized, with control characters, empty;
 * in the population also any value that is not a 12-digit personal ID): `invalid:` and the first
 * 24 hex digits of the SHA-256 of the raw value (of a non-string: its type and text). The raw
 * value never becomes part of a finding's key, a field name or a response.
 */
export function invalidRecordKey(raw: unknown): string {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else {
    let shown: string;
    try {
      shown = JSON.stringify(raw) ?? String(raw);
    } catch {
      shown = String(raw);
    }
    text = `\u0000${typeof raw}:${shown}`;
  }
  return `invalid:${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 24)}`;
}

/** The problem of a source record's `_id` (null: usable as the record key). */
function sourceKeyProblem(raw: unknown): Problem | null {
  return typeof raw === 'string' ? textProblem(raw, CODE_MAX) : valueProblem(raw);
}

/** The record key of a source record: its `_id`, or {@link invalidRecordKey} when that is unusable. */
export function sourceRecordKey(raw: unknown): string {
  return sourceKeyProblem(raw) ? invalidRecordKey(raw) : (raw as string);
}

/** The record key of a population record: its personal ID, or {@link invalidRecordKey}. */
export function populationRecordKey(raw: unknown): string {
  return typeof raw === 'string' && PERSONAL_ID.test(raw) ? raw : invalidRecordKey(raw);
}

// ---------------------------------------------------------------------------------------------
// Reading values (nothing is assumed present or well typed)

/** Why a value that should be there is not usable: MISSING, NULL or WRONG_TYPE. */
function valueProblem(v: unknown): Problem {
  return v === undefined ? 'MISSING' : v === null ? 'NULL' : 'WRONG_TYPE';
}

interface ReadValue<T> {
  value: T | null;
  problem: Problem | null;
  /** Readable, but not written in the source's convention. */
  coded: boolean;
}

/** A date in the source's convention `form`, or in another recognisable form (`coded`), or a problem. */
function readDateField(v: unknown, form: DateForm): ReadValue<string> {
  const p = textProblem(v, CODE_MAX);
  if (p) return { value: null, problem: p, coded: false };
  const d = readDate(v as string);
  if (!d) return { value: null, problem: 'BAD_FORMAT', coded: false };
  return { value: d.iso, problem: null, coded: d.form !== form };
}

/** A sex coded `male`/`female` by the source's convention, or otherwise recognisably (`coded`), or a problem. */
function readSexField(v: unknown, male: unknown, female: unknown): ReadValue<'M' | 'F'> {
  if (v === male) return { value: 'M', problem: null, coded: false };
  if (v === female) return { value: 'F', problem: null, coded: false };
  const sex = readSex(v);
  if (sex) return { value: sex, problem: null, coded: true };
  return { value: null, problem: codeProblem(v, [male, female]), coded: false };
}

/** The same name (names.ts: equal, possibly written in another form); null is no name. */
function sameName(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && (a === b || compareNames(a, b).equal);
}

/** Collects one record's MALFORMED findings (and FORMAT_ONLY codings of its own values). */
class Malformed {
  findings: Finding[] | null = null;
  constructor(
    readonly source: SourceName,
    readonly recordKey: string,
    readonly personalId: string | null,
  ) {}

  /** `field` (a dotted path in the source's document) cannot be read (each field once). */
  bad(field: string, problem: Problem): void {
    const out = (this.findings ??= []);
    if (out.some((f) => f.kind === 'MALFORMED' && f.field === field)) return;
    out.push({
      source: this.source,
      recordKey: this.recordKey,
      personalId: this.personalId,
      kind: 'MALFORMED',
      field,
      sourceValue: problem,
    });
  }

  /** An identity value readable but coded otherwise than the source's convention. */
  coded(field: IdentityField, sourceValue: string, trueValue: string): void {
    (this.findings ??= []).push({
      source: this.source,
      recordKey: this.recordKey,
      personalId: this.personalId,
      kind: 'FORMAT_ONLY',
      field,
      variant: 'CODING',
      sourceValue,
      trueValue,
    });
  }
}

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

    // Identity: unreadable values are kept as unknown (null), and never compared.
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

    // Identity documents: the old CMND numbers, and whether there are any.
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
    this.flags[slot] = f;

    // Today's area, as much of it as is readable.
    const area = this.readResidence(raw.noiThuongTru, m);
    this.provinces[slot] = area.province;
    this.communes[slot] = area.commune;
    this.registered[slot] = area.registered;

    let expiry: string | null = null;
    const card = raw.theCanCuoc as Record<string, unknown> | undefined | null;
    if (card !== undefined && card !== null) {
      if (objectProblem(card)) m.bad('theCanCuoc', objectProblem(card)!);
      else if (card.ngayHetHan !== undefined && card.ngayHetHan !== null) {
        const e = readDateField(card.ngayHetHan, 'ISO');
        if (e.problem) m.bad('theCanCuoc.ngayHetHan', e.problem);
        else expiry = e.value;
      }
    }
    this.cardExpiry[slot] = expiry;
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
    this.parents[slot] = parents[0] === null || parents[1] === null ? null : [parents[0], parents[1]];

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

  /** Today's province and commune of a permanent residence, and its registration date; reports what cannot be read. */
  private readResidence(
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

/**
 * The area a finding belongs to (runs are per area): the person's, or for records with no
 * person (ORPHAN) null. A population DUPLICATE falls back to the duplicate record's own area.
 */
export function findingArea(f: Finding, index: PopulationIndex): Area | null {
  return (
    (f.personalId ? index.areaOf(f.personalId) : null) ?? (f.source === 'population' ? index.areaOf(f.recordKey) : null)
  );
}

// ---------------------------------------------------------------------------------------------
// Duplicate tracker

/** How a record is tied to its person, from the weakest to the strongest. */
export const TIE_NEAR_MISS = 1;
export const TIE_OLD_ID = 2;
export const TIE_PERSONAL_ID = 3;
export type Tie = typeof TIE_NEAR_MISS | typeof TIE_OLD_ID | typeof TIE_PERSONAL_ID;

/** One source's part of a {@link DuplicateTracker}. */
export interface DuplicateTrackerSnapshot {
  source: OtherSource;
  /** Persons covered. */
  size: number;
  /** 2 bits per person, 4 persons a byte, base64. */
  plane: string;
  /** [slot, record key] of kept records not keyed by the personal ID. */
  keys: Array<[string, string]>;
}

/**
 * Remembers, per (source, person), the best record seen so far: 2 bits per source in one byte
 * per person, plus the key of kept records not keyed by the personal ID (rare). A second record
 * of the same person is a DUPLICATE; the one kept is the better tied (personal ID > old CMND >
 * near-miss key), so the result does not depend on the order records arrive in. Seeing the same
 * record again (a resumed or repeated run) reports nothing new.
 */
export class DuplicateTracker {
  private ranks = new Uint8Array(1024);
  private readonly keys = new Map<string, string>();

  private static shift(source: OtherSource): number {
    return OTHER_SOURCES.indexOf(source) * 2;
  }

  /**
   * Records that `recordKey` of `source` belongs to the person in `slot`, tied by `tie`; returns
   * a DUPLICATE finding (on this record or on the one kept so far), if any.
   */
  observe(source: OtherSource, slot: number, recordKey: string, tie: Tie, index: PopulationIndex): Finding | null {
    if (slot >= this.ranks.length) {
      const grown = new Uint8Array(Math.max(slot + 1, this.ranks.length * 2));
      grown.set(this.ranks);
      this.ranks = grown;
    }
    const shift = DuplicateTracker.shift(source);
    const byte = this.ranks[slot];
    const cur = (byte >> shift) & 3;
    const personalId = index.idOf(slot);
    if (cur === 0) {
      this.ranks[slot] = byte | (tie << shift);
      if (tie !== TIE_PERSONAL_ID) this.keys.set(`${source}:${slot}`, recordKey);
      return null;
    }
    const k = `${source}:${slot}`;
    const curKey = cur === TIE_PERSONAL_ID ? personalId : this.keys.get(k)!;
    if (curKey === recordKey) return null; // the same record again
    if (tie > cur) {
      // The new record is better tied: the one kept so far is the duplicate.
      this.ranks[slot] = (byte & ~(3 << shift)) | (tie << shift);
      if (tie === TIE_PERSONAL_ID) this.keys.delete(k);
      else this.keys.set(k, recordKey);
      return { source, recordKey: curKey, personalId, kind: 'DUPLICATE' };
    }
    return { source, recordKey, personalId, kind: 'DUPLICATE' };
  }

  /**
   * At the end of a run: records tied to a person only by a near-miss key, with no other record
   * of that person in the source, are not duplicates but mis-keyed: reported as ORPHAN (no
   * person under their key), with the probable person as `personalId`.
   */
  finish(index: PopulationIndex): Finding[] {
    const out: Finding[] = [];
    for (const [k, recordKey] of this.keys) {
      const sep = k.lastIndexOf(':');
      const source = k.slice(0, sep) as OtherSource;
      const slot = Number(k.slice(sep + 1));
      if (((this.ranks[slot] >> DuplicateTracker.shift(source)) & 3) !== TIE_NEAR_MISS) continue;
      out.push({ source, recordKey, personalId: index.idOf(slot), kind: 'ORPHAN' });
    }
    return out;
  }

  /**
   * One source's state, for a run's checkpoint once that source is fully read (slots are stable
   * while the index is built the same way): its 2-bit plane, packed, and its kept records not
   * keyed by the personal ID. Sources are independent, so each is saved and restored alone.
   */
  snapshotSource(source: OtherSource): DuplicateTrackerSnapshot {
    const shift = DuplicateTracker.shift(source);
    const plane = new Uint8Array(Math.ceil(this.ranks.length / 4));
    for (let i = 0; i < this.ranks.length; i++) plane[i >> 2] |= ((this.ranks[i] >> shift) & 3) << ((i & 3) * 2);
    const prefix = `${source}:`;
    const keys: Array<[string, string]> = [];
    for (const [k, v] of this.keys) if (k.startsWith(prefix)) keys.push([k.slice(prefix.length), v]);
    return { source, size: this.ranks.length, plane: Buffer.from(plane).toString('base64'), keys };
  }

  /** Puts back a source's state saved by {@link snapshotSource} (that source's bits are replaced). */
  restoreSource(s: DuplicateTrackerSnapshot): void {
    const shift = DuplicateTracker.shift(s.source);
    if (s.size > this.ranks.length) {
      const grown = new Uint8Array(s.size);
      grown.set(this.ranks);
      this.ranks = grown;
    }
    const plane = Buffer.from(s.plane, 'base64');
    for (let i = 0; i < s.size; i++) {
      const bits = (plane[i >> 2] >> ((i & 3) * 2)) & 3;
      this.ranks[i] = (this.ranks[i] & ~(3 << shift)) | (bits << shift);
    }
    for (const [slot, v] of s.keys) this.keys.set(`${s.source}:${slot}`, v);
  }
}

// ---------------------------------------------------------------------------------------------
// Sources

/** Positions of an ISO date's eight digits (YYYY-MM-DD). */
const ISO_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];

/** How to read one source's identity fields (every read checks what it finds). */
interface Adapter {
  /** The sub-document holding the identity fields (`holder`, `patient`), or null: the top level. */
  holder: string | null;
  nameField: string;
  dobField: string;
  sexField: string;
  /** The source's date convention: its form, length, exact pattern, and where the ISO digits (Y Y Y Y M M D D) are. */
  dobForm: DateForm;
  dobLength: number;
  dobPattern: RegExp;
  dobDigits: readonly number[];
  /** The source's codes for male and female. */
  male: unknown;
  female: unknown;
  /** Name forms that are the source's storage convention, not a defect. */
  convention: readonly NameVariant[];
  /** The population's name in the source's convention (fast path: equal means no name finding). */
  conventional(name: string, key: string): string;
  /** When the record is still valid on `today`: until when (ISO, or "NO_EXPIRY"); else null. Reports unreadable fields. */
  validUntil?(d: Record<string, unknown>, today: string, m: Malformed): string | null;
}

function compactOf(iso: string): string {
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

function isoOfCompact(s: string): string {
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

const COMPACT = /^\d{8}$/;
const DMY = /^\d{2}\/\d{2}\/\d{4}$/;
const ISO = /^\d{4}-\d{2}-\d{2}$/;
const LICENCE_STATUSES = ['ACTIVE', 'SUSPENDED', 'REVOKED'];

const drivingLicence: Adapter = {
  holder: 'holder',
  nameField: 'name',
  dobField: 'birth',
  sexField: 'gender',
  dobForm: 'COMPACT',
  dobLength: 8,
  dobPattern: COMPACT,
  dobDigits: [0, 1, 2, 3, 4, 5, 6, 7],
  male: 'M',
  female: 'F',
  convention: ['UPPER_CASE'],
  conventional: (name) => name.toUpperCase(),
  validUntil(d, today, m) {
    const sp = codeProblem(d.status, LICENCE_STATUSES);
    if (sp) m.bad('status', sp);
    if (!Array.isArray(d.classes)) {
      m.bad('classes', valueProblem(d.classes));
      return null;
    }
    const t = compactOf(today);
    let until: string | null = null;
    let forever = false;
    for (const c of d.classes as unknown[]) {
      const cp = objectProblem(c);
      if (cp) {
        m.bad('classes', cp);
        continue;
      }
      const raw = (c as Record<string, unknown>).expires;
      if (raw === null) {
        forever = true;
        continue;
      }
      let expires: string;
      if (typeof raw === 'string' && COMPACT.test(raw) && readDate(raw)) expires = raw;
      else {
        const e = readDateField(raw, 'COMPACT');
        if (e.problem) {
          m.bad('classes.expires', e.problem);
          continue;
        }
        expires = compactOf(e.value!);
      }
      if (expires >= t && (until === null || expires > until)) until = expires;
    }
    if (sp || d.status !== 'ACTIVE') return null;
    return forever ? 'NO_EXPIRY' : until === null ? null : isoOfCompact(until);
  },
};

const healthInsurance: Adapter = {
  holder: null,
  nameField: 'HO_TEN',
  dobField: 'NGAY_SINH',
  sexField: 'GIOI_TINH',
  dobForm: 'DMY',
  dobLength: 10,
  dobPattern: DMY,
  dobDigits: [6, 7, 8, 9, 3, 4, 0, 1],
  male: 1,
  female: 2,
  convention: [],
  conventional: (name) => name,
  validUntil(d, today, m) {
    const to = readDateField(d.GT_THE_DEN, 'DMY');
    if (to.problem) {
      m.bad('GT_THE_DEN', to.problem);
      return null;
    }
    return to.value! >= today ? to.value : null;
  },
};

const socialInsurance: Adapter = {
  holder: null,
  nameField: 'hoTen',
  dobField: 'ngaySinh',
  sexField: 'gioiTinh',
  dobForm: 'DMY',
  dobLength: 10,
  dobPattern: DMY,
  dobDigits: [6, 7, 8, 9, 3, 4, 0, 1],
  male: 'NAM',
  female: 'NU',
  convention: ['UPPER_CASE', 'NO_DIACRITICS', 'D_FOR_DD'],
  conventional: (_name, key) => key,
};

const healthRecord: Adapter = {
  holder: 'patient',
  nameField: 'name',
  dobField: 'birthDate',
  sexField: 'gender',
  dobForm: 'ISO',
  dobLength: 10,
  dobPattern: ISO,
  dobDigits: ISO_DIGITS,
  male: 'male',
  female: 'female',
  convention: [],
  conventional: (name) => name,
};

const ADAPTERS: { [S in OtherSource]: Adapter } = {
  drivingLicence,
  healthInsurance,
  socialInsurance,
  healthRecord,
};

/**
 * The fields detection reads of each source's documents: what a run asks the store for (the
 * store sends nothing else; of a health record, only the patient's identity, never its contents).
 */
export const SCAN_PROJECTION: { [S in SourceName]: Record<string, 1> } = {
  population: {
    hoTen: 1,
    ngaySinh: 1,
    gioiTinh: 1,
    trangThai: 1,
    ngayMat: 1,
    'lichSuGiayTo.loai': 1,
    'lichSuGiayTo.so': 1,
    // Only how many members the household has (a member's relationship is the smallest field).
    'hoGiaDinh.thanhVien.quanHe': 1,
    'noiThuongTru.xa.ma': 1,
    'noiThuongTru.huyen.ma': 1,
    'noiThuongTru.tinh.ma': 1,
    'noiThuongTru.ngayDangKy': 1,
    'theCanCuoc.ngayHetHan': 1,
    'cha.hoTen': 1,
    'me.hoTen': 1,
  },
  drivingLicence: {
    'holder.name': 1,
    'holder.birth': 1,
    'holder.gender': 1,
    status: 1,
    'classes.expires': 1,
  },
  healthInsurance: { HO_TEN: 1, NGAY_SINH: 1, GIOI_TINH: 1, GT_THE_DEN: 1 },
  socialInsurance: { hoTen: 1, ngaySinh: 1, gioiTinh: 1 },
  healthRecord: { 'patient.name': 1, 'patient.birthDate': 1, 'patient.gender': 1 },
};

/** The stored date `raw` is the ISO date `iso` in the source's convention (digit by digit, no allocation). */
function sameDate(iso: string, raw: unknown, a: Adapter): boolean {
  if (typeof raw !== 'string' || raw.length !== a.dobLength) return false;
  for (let i = 0; i < 8; i++) if (iso.charCodeAt(ISO_DIGITS[i]) !== raw.charCodeAt(a.dobDigits[i])) return false;
  return a.dobPattern.test(raw);
}

/** A record's identity values, as read (null: unreadable, reported MALFORMED). */
interface Identity {
  name: string | null;
  dob: ReadValue<string>;
  sex: ReadValue<'M' | 'F'>;
  rawDob: unknown;
  rawSex: unknown;
}

const UNREAD: ReadValue<never> = { value: null, problem: null, coded: false };
/** Stands for the identity on the fast path (already known equal: nothing compared). */
const FAST_IDENTITY: Identity = { name: null, dob: UNREAD, sex: UNREAD, rawDob: undefined, rawSex: undefined };

/** Reads (and checks) a record's identity fields; unreadable ones are reported through `m`. */
function readIdentity(doc: Record<string, unknown>, a: Adapter, m: Malformed): Identity {
  let h: Record<string, unknown> | null = doc;
  if (a.holder) {
    const hp = objectProblem(doc[a.holder]);
    if (hp) {
      m.bad(a.holder, hp);
      h = null;
    } else h = doc[a.holder] as Record<string, unknown>;
  }
  if (!h) return { name: null, dob: UNREAD, sex: UNREAD, rawDob: undefined, rawSex: undefined };
  const prefix = a.holder ? `${a.holder}.` : '';
  const np = textProblem(h[a.nameField], NAME_MAX);
  if (np) m.bad(prefix + a.nameField, np);
  const dob = readDateField(h[a.dobField], a.dobForm);
  if (dob.problem) m.bad(prefix + a.dobField, dob.problem);
  const sex = readSexField(h[a.sexField], a.male, a.female);
  if (sex.problem) m.bad(prefix + a.sexField, sex.problem);
  return { name: np ? null : (h[a.nameField] as string), dob, sex, rawDob: h[a.dobField], rawSex: h[a.sexField] };
}

/** The person of a record keyed by a mistyped 12-digit ID: one digit off, same folded name, birth and sex. */
function nearMiss(key: string, id: Identity, index: PopulationIndex): number {
  if (key.length !== 12 || id.name === null || id.dob.value === null || id.sex.value === null) return -1;
  const folded = nameKey(id.name);
  const dob = id.dob.value;
  const male = id.sex.value === 'M';
  let found = -1;
  for (let pos = 0; pos < 12; pos++) {
    const c = key.charCodeAt(pos);
    if (c < 48 || c > 57) return -1;
    const head = key.slice(0, pos);
    const tail = key.slice(pos + 1);
    for (let digit = 48; digit <= 57; digit++) {
      if (digit === c) continue;
      const slot = index.slotOf(head + fromCharCode(digit) + tail);
      if (slot < 0 || slot === found) continue;
      if (index.nameKeyOf(slot) !== folded || index.maleOf(slot) !== male) continue;
      if (index.dateOfBirthOf(slot) !== dob) continue;
      if (found >= 0) return -1; // ambiguous
      found = slot;
    }
  }
  return found;
}

export interface DetectContext {
  /** YYYY-MM-DD: validity of cards and licences is judged on this day. */
  today: string;
  /** One per run, shared by all records of all sources. */
  duplicates: DuplicateTracker;
  /** Set by each {@link detectRecord} call: the slot of the record's person (-1: none) and how it is tied. */
  lastSlot?: number;
  lastTie?: Tie | 0;
}

/**
 * The findings of one raw record of a non-population source (see the module comment).
 * Returns a shared empty array when the record is clean; never mutate the result.
 */
export function detectRecord<S extends OtherSource>(
  source: S,
  doc: SourceDocs[S],
  index: PopulationIndex,
  ctx: DetectContext,
): readonly Finding[] {
  const a = ADAPTERS[source];
  const raw = doc as unknown as Record<string, unknown>;
  const keyProblem = sourceKeyProblem(raw._id);
  const key = keyProblem ? invalidRecordKey(raw._id) : (raw._id as string);
  if (keyProblem) {
    // No key to find the person by: only the problem is reported.
    ctx.lastSlot = -1;
    ctx.lastTie = 0;
    return [{ source, recordKey: key, personalId: null, kind: 'MALFORMED', field: '_id', sourceValue: keyProblem }];
  }

  // Fast path (the usual case): keyed by the personal ID, the values are the population's in the
  // source's convention; nothing more to read but the validity.
  // Only a 12-digit key can be a person's (the index also holds the hashed keys of unusable IDs).
  let slot = key.length === 12 ? index.slotOf(key) : -1;
  let fast = false;
  const h = (a.holder ? raw[a.holder] : raw) as Record<string, unknown> | null | undefined;
  if (slot >= 0 && h && typeof h === 'object') {
    const popName = index.nameOf(slot);
    const popDob = index.dateOfBirthOf(slot);
    const male = index.maleOf(slot);
    fast =
      popName !== null &&
      popDob !== null &&
      male !== null &&
      h[a.nameField] === a.conventional(popName, index.nameKeyOf(slot)) &&
      sameDate(popDob, h[a.dobField], a) &&
      h[a.sexField] === (male ? a.male : a.female);
  }
  if (fast && !a.validUntil) {
    ctx.lastSlot = slot;
    ctx.lastTie = TIE_PERSONAL_ID;
    const dup = ctx.duplicates.observe(source, slot, key, TIE_PERSONAL_ID, index);
    return dup ? [dup] : NONE;
  }

  const m = new Malformed(source, key, null);
  const id: Identity = fast ? FAST_IDENTITY : readIdentity(raw, a, m);

  // Who is it?
  let out: Finding[] | null = null;
  let tie: Tie = TIE_PERSONAL_ID;
  if (slot < 0) {
    slot = index.slotOfOldId(key);
    if (slot >= 0) {
      tie = TIE_OLD_ID;
      const personalId = index.idOf(slot);
      out = [{ source, recordKey: key, personalId, kind: 'OLD_ID_KEY', sourceValue: key, trueValue: personalId }];
    } else {
      slot = nearMiss(key, id, index);
      if (slot < 0) {
        ctx.lastSlot = -1;
        ctx.lastTie = 0;
        const orphan: Finding[] = [{ source, recordKey: key, personalId: null, kind: 'ORPHAN' }];
        return m.findings ? orphan.concat(m.findings) : orphan;
      }
      tie = TIE_NEAR_MISS;
    }
  }
  ctx.lastSlot = slot;
  ctx.lastTie = tie;
  const personalId = index.idOf(slot);
  if (m.findings) {
    for (const f of m.findings) f.personalId = personalId;
    (out ??= []).push(...m.findings);
  }

  // Identity fields: each compared only when both sides can be read.
  const popName = index.nameOf(slot);
  const name = id.name;
  if (!fast && popName !== null && name !== null && name !== a.conventional(popName, index.nameKeyOf(slot))) {
    const cmp = compareNames(popName, name);
    let variant: NameVariant | null = null;
    if (cmp.equal) {
      variant = mainVariant(cmp.variants, a.convention);
      // Lower case where the convention is upper case is a form difference too.
      if (variant === null && a.convention.includes('UPPER_CASE') && name !== name.toUpperCase())
        variant = 'LOWER_CASE';
    }
    if (!cmp.equal) {
      (out ??= []).push({
        source,
        recordKey: key,
        personalId,
        kind: 'MISMATCH',
        field: 'fullName',
        sourceValue: name,
        trueValue: popName,
      });
    } else if (variant) {
      (out ??= []).push({
        source,
        recordKey: key,
        personalId,
        kind: 'FORMAT_ONLY',
        field: 'fullName',
        variant,
        sourceValue: name,
        trueValue: popName,
      });
    }
  }
  const popDob = index.dateOfBirthOf(slot);
  if (popDob !== null && id.dob.value !== null && (id.dob.coded || id.dob.value !== popDob)) {
    (out ??= []).push({
      source,
      recordKey: key,
      personalId,
      kind: id.dob.value === popDob ? 'FORMAT_ONLY' : 'MISMATCH',
      field: 'dateOfBirth',
      ...(id.dob.value === popDob ? { variant: 'CODING' as const } : {}),
      sourceValue: String(id.rawDob),
      trueValue: popDob,
    });
  }
  const male = index.maleOf(slot);
  if (male !== null && id.sex.value !== null && (id.sex.coded || (id.sex.value === 'M') !== male)) {
    const same = (id.sex.value === 'M') === male;
    (out ??= []).push({
      source,
      recordKey: key,
      personalId,
      kind: same ? 'FORMAT_ONLY' : 'MISMATCH',
      field: 'sex',
      ...(same ? { variant: 'CODING' as const } : {}),
      sourceValue: String(id.rawSex),
      trueValue: male ? 'Nam' : 'Nữ',
    });
  }

  // Deceased, still valid (the validity fields are read, and checked, for every record).
  if (a.validUntil) {
    const vm = new Malformed(source, key, personalId);
    const until = a.validUntil(raw, ctx.today, vm);
    if (vm.findings) (out ??= []).push(...vm.findings);
    if (until !== null && index.isDeceased(slot)) {
      (out ??= []).push({
        source,
        recordKey: key,
        personalId,
        kind: 'DECEASED_ACTIVE',
        sourceValue: until,
        trueValue: index.dateOfDeathOf(slot) ?? undefined,
      });
    }
  }

  // A second record of the person in this source?
  const dup = ctx.duplicates.observe(source, slot, key, tie, index);
  if (dup) (out ??= []).push(dup);
  return out ?? NONE;
}
