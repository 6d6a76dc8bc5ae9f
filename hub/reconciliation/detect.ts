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
 * Population (in {@link PopulationIndex.add}):
 * - `EXPIRED_ID_CARD`: a living person whose current card expired before `today`;
 * - `DUPLICATE`: two records with the same name, date of birth, sex and parents' names. The kept
 *   record is the one with identity documents, then the one sharing a household, then the more
 *   recent registration; the finding is on the other record, with the kept record's personal ID.
 */
import { createHash } from 'node:crypto';
import type { GplxDoc } from '../../connectors/driving-licence/model';
import { todayArea } from '../../connectors/generator/areas';
import type { TheBhytDoc } from '../../connectors/health-insurance/model';
import type { HealthBookDoc } from '../../connectors/health-record/model';
import type { CongDanDoc } from '../../connectors/population/model';
import type { SoBhxhDoc } from '../../connectors/social-insurance/model';
import { compareNames, mainVariant, nameKey, type NameVariant } from './names';
import { OTHER_SOURCES, type Area, type Finding, type OtherSource, type SourceName } from './types';

export { findingKey, type Area, type Finding, type OtherSource } from './types';

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

/** Identity facts of one person, as kept by the index. */
export interface PersonFacts {
  personalId: string;
  fullName: string; // NFC
  dateOfBirth: string; // YYYY-MM-DD
  sex: 'Nam' | 'Nữ';
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
  private readonly names: string[] = [];
  private readonly keys: string[] = [];
  private readonly dobs: string[] = [];
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
    const id = doc._id;
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.ids.length;
      this.slots.set(id, slot);
      this.ids.push(id);
      this.idHash.update(id + '\n');
    }
    const name = doc.hoTen.normalize('NFC');
    this.names[slot] = name;
    this.keys[slot] = nameKey(name);
    this.dobs[slot] = doc.ngaySinh;
    let f = doc.gioiTinh === 'Nam' ? MALE : 0;
    if (doc.trangThai === 'DA_CHET') {
      f |= DECEASED;
      this.deaths.set(slot, doc.ngayMat ?? '');
    } else {
      this.deaths.delete(slot);
    }
    const history = doc.lichSuGiayTo ?? [];
    if (history.length > 0) f |= HAS_ID_DOCUMENTS;
    if ((doc.hoGiaDinh?.thanhVien?.length ?? 0) > 1) f |= SHARED_HOUSEHOLD;
    this.flags[slot] = f;
    const area = doc.noiThuongTru ? todayArea(doc.noiThuongTru) : null;
    this.provinces[slot] = area ? area.province.code : null;
    this.communes[slot] = area ? area.commune.code : null;
    const expiry = doc.theCanCuoc?.ngayHetHan ?? null;
    this.cardExpiry[slot] = expiry;
    this.registered[slot] = doc.noiThuongTru?.ngayDangKy ?? '';
    for (const g of history) if (g.loai === 'CMND') this.oldIds.set(g.so, slot);

    let out: Finding[] | null = null;
    if (!(f & DECEASED) && expiry && expiry < this.today) {
      out = [{ source: 'population', recordKey: id, personalId: id, kind: 'EXPIRED_ID_CARD', sourceValue: expiry }];
    }
    const dup = this.duplicateOf(doc, name, slot);
    if (dup) (out ??= []).push(dup);
    return out ?? NONE;
  }

  private duplicateOf(doc: CongDanDoc, name: string, slot: number): Finding | null {
    const h = hash53(
      `${name}\u0000${doc.ngaySinh}\u0000${doc.gioiTinh}\u0000${doc.cha?.hoTen ?? ''}\u0000${doc.me?.hoTen ?? ''}`,
    );
    const other = this.identities.get(h);
    if (other === undefined || other === slot) {
      this.identities.set(h, slot);
      return null;
    }
    // Guard against a hash collision: the kept record must really have the same identity.
    if (
      this.names[other] !== name ||
      this.dobs[other] !== doc.ngaySinh ||
      (this.flags[other] ^ this.flags[slot]) & MALE
    ) {
      return null;
    }
    const keep = this.preferred(other, slot);
    const drop = keep === slot ? other : slot;
    this.identities.set(h, keep);
    return { source: 'population', recordKey: this.ids[drop], personalId: this.ids[keep], kind: 'DUPLICATE' };
  }

  /** Of two records of one human, the one to keep: identity documents, a shared household, later registration. */
  private preferred(a: number, b: number): number {
    const score = (s: number): number =>
      (this.flags[s] & HAS_ID_DOCUMENTS ? 2 : 0) + (this.flags[s] & SHARED_HOUSEHOLD ? 1 : 0);
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

  nameOf(slot: number): string {
    return this.names[slot];
  }

  /** The folded name ({@link nameKey}), computed once per person. */
  nameKeyOf(slot: number): string {
    return this.keys[slot];
  }

  dateOfBirthOf(slot: number): string {
    return this.dobs[slot];
  }

  isMale(slot: number): boolean {
    return (this.flags[slot] & MALE) !== 0;
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
      sex: this.isMale(slot) ? 'Nam' : 'Nữ',
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

/** How to read one source's identity fields. */
interface Adapter<D> {
  name(d: D): string;
  /** Date of birth as stored, its length, and where the ISO digits (Y Y Y Y M M D D) are in it. */
  dob(d: D): string;
  dobLength: number;
  dobDigits: readonly number[];
  /** Sex as stored (string), and whether it says male (null: unreadable). */
  sex(d: D): string;
  male(d: D): boolean | null;
  /** Name forms that are the source's storage convention, not a defect. */
  convention: readonly NameVariant[];
  /** The population's name in the source's convention (fast path: equal means no name finding). */
  conventional(name: string, key: string): string;
  /** When the record is still valid on `today`: until when (ISO, or "NO_EXPIRY"); else null. */
  validUntil?(d: D, today: string): string | null;
}

function compactOf(iso: string): string {
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

function isoOfCompact(s: string): string {
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

function isoOfDmy(s: string): string {
  return `${s.slice(6, 10)}-${s.slice(3, 5)}-${s.slice(0, 2)}`;
}

const drivingLicence: Adapter<GplxDoc> = {
  name: (d) => d.holder?.name,
  dob: (d) => d.holder?.birth,
  dobLength: 8,
  dobDigits: [0, 1, 2, 3, 4, 5, 6, 7],
  sex: (d) => String(d.holder?.gender),
  male: (d) => (d.holder?.gender === 'M' ? true : d.holder?.gender === 'F' ? false : null),
  convention: ['UPPER_CASE'],
  conventional: (name) => name.toUpperCase(),
  validUntil(d, today) {
    if (d.status !== 'ACTIVE') return null;
    const t = compactOf(today);
    let until: string | null = null;
    for (const c of d.classes ?? []) {
      if (c.expires === null) return 'NO_EXPIRY';
      if (c.expires >= t && (until === null || c.expires > until)) until = c.expires;
    }
    return until === null ? null : isoOfCompact(until);
  },
};

const healthInsurance: Adapter<TheBhytDoc> = {
  name: (d) => d.HO_TEN,
  dob: (d) => d.NGAY_SINH,
  dobLength: 10,
  dobDigits: [6, 7, 8, 9, 3, 4, 0, 1],
  sex: (d) => String(d.GIOI_TINH),
  male: (d) => (d.GIOI_TINH === 1 ? true : d.GIOI_TINH === 2 ? false : null),
  convention: [],
  conventional: (name) => name,
  validUntil(d, today) {
    if (typeof d.GT_THE_DEN !== 'string') return null;
    const to = isoOfDmy(d.GT_THE_DEN);
    return to >= today ? to : null;
  },
};

const socialInsurance: Adapter<SoBhxhDoc> = {
  name: (d) => d.hoTen,
  dob: (d) => d.ngaySinh,
  dobLength: 10,
  dobDigits: [6, 7, 8, 9, 3, 4, 0, 1],
  sex: (d) => String(d.gioiTinh),
  male: (d) => (d.gioiTinh === 'NAM' ? true : d.gioiTinh === 'NU' ? false : null),
  convention: ['UPPER_CASE', 'NO_DIACRITICS', 'D_FOR_DD'],
  conventional: (_name, key) => key,
};

const healthRecord: Adapter<HealthBookDoc> = {
  name: (d) => d.patient?.name,
  dob: (d) => d.patient?.birthDate,
  dobLength: 10,
  dobDigits: ISO_DIGITS,
  sex: (d) => String(d.patient?.gender),
  male: (d) => (d.patient?.gender === 'male' ? true : d.patient?.gender === 'female' ? false : null),
  convention: [],
  conventional: (name) => name,
};

const ADAPTERS: { [S in OtherSource]: Adapter<SourceDocs[S]> } = {
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

/** The stored date `raw` is the ISO date `iso` (compared digit by digit, no allocation). */
function sameDate(iso: string, raw: string, length: number, digits: readonly number[]): boolean {
  if (typeof raw !== 'string' || raw.length !== length) return false;
  for (let i = 0; i < 8; i++) if (iso.charCodeAt(ISO_DIGITS[i]) !== raw.charCodeAt(digits[i])) return false;
  return true;
}

/** The person of a record keyed by a mistyped 12-digit ID: one digit off, same folded name, birth and sex. */
function nearMiss<D>(key: string, doc: D, a: Adapter<D>, index: PopulationIndex): number {
  if (key.length !== 12) return -1;
  const name = a.name(doc);
  if (typeof name !== 'string') return -1;
  const folded = nameKey(name);
  const dob = a.dob(doc);
  const male = a.male(doc);
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
      if (index.nameKeyOf(slot) !== folded || index.isMale(slot) !== male) continue;
      if (!sameDate(index.dateOfBirthOf(slot), dob, a.dobLength, a.dobDigits)) continue;
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
  const a = ADAPTERS[source] as Adapter<SourceDocs[S]>;
  const key = doc._id;
  let out: Finding[] | null = null;

  // Who is it?
  let tie: Tie = TIE_PERSONAL_ID;
  let slot = index.slotOf(key);
  if (slot < 0) {
    slot = index.slotOfOldId(key);
    if (slot >= 0) {
      tie = TIE_OLD_ID;
      const personalId = index.idOf(slot);
      out = [{ source, recordKey: key, personalId, kind: 'OLD_ID_KEY', sourceValue: key, trueValue: personalId }];
    } else {
      slot = nearMiss(key, doc, a, index);
      if (slot < 0) {
        ctx.lastSlot = -1;
        ctx.lastTie = 0;
        return [{ source, recordKey: key, personalId: null, kind: 'ORPHAN' }];
      }
      tie = TIE_NEAR_MISS;
    }
  }
  ctx.lastSlot = slot;
  ctx.lastTie = tie;
  const personalId = index.idOf(slot);

  // Identity fields.
  const popName = index.nameOf(slot);
  const name = a.name(doc);
  if (name !== a.conventional(popName, index.nameKeyOf(slot))) {
    const cmp = typeof name === 'string' ? compareNames(popName, name) : null;
    if (!cmp || !cmp.equal) {
      (out ??= []).push({
        source,
        recordKey: key,
        personalId,
        kind: 'MISMATCH',
        field: 'fullName',
        sourceValue: String(name),
        trueValue: popName,
      });
    } else {
      const variant = mainVariant(cmp.variants, a.convention);
      if (variant) {
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
  }
  const popDob = index.dateOfBirthOf(slot);
  const dob = a.dob(doc);
  if (!sameDate(popDob, dob, a.dobLength, a.dobDigits)) {
    (out ??= []).push({
      source,
      recordKey: key,
      personalId,
      kind: 'MISMATCH',
      field: 'dateOfBirth',
      sourceValue: String(dob),
      trueValue: popDob,
    });
  }
  const male = index.isMale(slot);
  if (a.male(doc) !== male) {
    (out ??= []).push({
      source,
      recordKey: key,
      personalId,
      kind: 'MISMATCH',
      field: 'sex',
      sourceValue: a.sex(doc),
      trueValue: male ? 'Nam' : 'Nữ',
    });
  }

  // Deceased, still valid.
  if (a.validUntil && index.isDeceased(slot)) {
    const until = a.validUntil(doc, ctx.today);
    if (until !== null) {
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
