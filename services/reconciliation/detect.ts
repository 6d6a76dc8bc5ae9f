/**
 * Defect detection for the reconciliation workbench: pure, streaming, bounded memory.
 *
 * 1. Stream the population's raw documents into a {@link PopulationIndex} (population-index.ts),
 *    which reports the population's own defects as documents arrive: `EXPIRED_ID_CARD`,
 *    `DUPLICATE` and `MALFORMED`.
 * 2. Stream each other source's raw documents through {@link detectRecord} with one
 *    {@link DuplicateTracker} (duplicates.ts) for the run; call {@link DuplicateTracker.finish}
 *    at the end.
 *
 * Memory is the index (O(population)) plus at most one byte per person in the tracker; source
 * records are never kept. Every finding carries `findingKey` (model.ts), equal to the generator's
 * ground-truth `_id`, so a re-run rewrites the same documents.
 *
 * Per record of a source (its conventions: source-fields.ts):
 * - **resolve the person**: by the 12-digit personal ID under which the record is keyed; else by
 *   an old 9-digit CMND of the person's ID-card history → `OLD_ID_KEY`; else, for a key that is an
 *   older 10-digit social-insurance number, by the personal ID the record carries as its
 *   social-insurance number (since 1 August 2025) → `OLD_ID_KEY`; else by a *near-miss key*
 *   (one digit of a 12-digit key substituted) whose person has the same folded name, date of
 *   birth and sex: such a record is a copy of the person's record under a mistyped key; else
 *   → `ORPHAN` (no person).
 * - **compare identity** with the population: full name (see `names.ts`; each source's own
 *   storage convention is not a defect: upper case in driving licences, upper case without
 *   diacritics in social insurance) → `FORMAT_ONLY` with the variant, or `MISMATCH`; date of
 *   birth and sex → `MISMATCH`. Values are reported as the source stores them and as the
 *   population does.
 * - **social-insurance number** (social and health insurance; insurance-number.ts): a number in
 *   the personal-ID form that is not the person's ID → `MISMATCH` on `socialInsuranceNumber`; one
 *   that is neither 10 nor 12 digits → `MALFORMED`.
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
 *   source's field path, the problem) and is never compared (readers.ts). A date or sex readable
 *   in another coding than the source's is normalised and, when equal, `FORMAT_ONLY` (`CODING`)
 *   with the field. Rules and examples: docs/reconciliation-rules.md.
 */
import type { GplxDoc } from '../../connectors/driving-licence/model';
import { NAME_MAX, objectProblem, textProblem } from '../../connectors/identity';
import type { TheBhytDoc } from '../../connectors/health-insurance/model';
import type { HealthBookDoc } from '../../connectors/health-record/model';
import type { SoBhxhDoc } from '../../connectors/social-insurance/model';
import { compareNames, mainVariant, nameKey, type NameVariant } from './names';
import type { Finding, OtherSource } from './model';
import { TIE_NEAR_MISS, TIE_OLD_ID, TIE_PERSONAL_ID, type DuplicateTracker, type Tie } from './duplicates';
import type { PopulationIndex } from './population-index';
import {
  Malformed,
  NONE,
  invalidRecordKey,
  readDateField,
  readSexField,
  sourceKeyProblem,
  type ReadValue,
} from './readers';
import { ADAPTERS, sameDate, type Adapter } from './source-fields';
import { numberFinding, numbersInConvention, slotByNumber } from './insurance-number';

// Module-level alias of a global (under jest each global lookup goes through the test context).
const fromCharCode = String.fromCharCode;

/** The raw document type of each source. */
export interface SourceDocs {
  drivingLicence: GplxDoc;
  healthInsurance: TheBhytDoc;
  socialInsurance: SoBhxhDoc;
  healthRecord: HealthBookDoc;
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

/** The record a finding is about, once its person is known. */
interface RecordRef {
  source: OtherSource;
  recordKey: string;
  personalId: string;
}

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

/**
 * Whether a record keyed by the personal ID of the person in `slot` holds that person's values in
 * the source's convention (the usual case: nothing more to compare).
 */
function inConvention(raw: Record<string, unknown>, a: Adapter, slot: number, index: PopulationIndex): boolean {
  const h = (a.holder ? raw[a.holder] : raw) as Record<string, unknown> | null | undefined;
  if (!h || typeof h !== 'object') return false;
  const popName = index.nameOf(slot);
  const popDob = index.dateOfBirthOf(slot);
  const male = index.maleOf(slot);
  return (
    popName !== null &&
    popDob !== null &&
    male !== null &&
    h[a.nameField] === a.conventional(popName, index.nameKeyOf(slot)) &&
    sameDate(popDob, h[a.dobField], a) &&
    h[a.sexField] === (male ? a.male : a.female)
  );
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

/**
 * Who the record is (`keyed`: the slot of its key as a personal ID, or -1): by that personal ID,
 * else an old CMND, else (a key that is an older 10-digit social-insurance number) the personal ID
 * the record carries as its social-insurance number, else a near-miss key. Sets `ctx.lastSlot`
 * (-1: an orphan) and `ctx.lastTie`.
 */
function resolvePerson(
  key: string,
  keyed: number,
  id: Identity,
  at: { raw: Record<string, unknown>; a: Adapter },
  index: PopulationIndex,
  ctx: DetectContext,
): number {
  let slot = keyed;
  let tie: Tie | 0 = TIE_PERSONAL_ID;
  if (slot < 0) {
    slot = index.slotOfOldId(key);
    if (slot < 0) slot = slotByNumber(key, at.raw, at.a.insuranceNumber, index);
    tie = TIE_OLD_ID;
    if (slot < 0) {
      slot = nearMiss(key, id, index);
      tie = slot < 0 ? 0 : TIE_NEAR_MISS;
    }
  }
  ctx.lastSlot = slot;
  ctx.lastTie = tie;
  return slot;
}

/** The full name against the population's: FORMAT_ONLY (a form not the source's convention), MISMATCH, or null. */
function nameFinding(
  r: RecordRef,
  name: string | null,
  a: Adapter,
  slot: number,
  index: PopulationIndex,
): Finding | null {
  const popName = index.nameOf(slot);
  if (popName === null || name === null || name === a.conventional(popName, index.nameKeyOf(slot))) return null;
  const cmp = compareNames(popName, name);
  if (!cmp.equal) return { ...r, kind: 'MISMATCH', field: 'fullName', sourceValue: name, trueValue: popName };
  let variant: NameVariant | null = mainVariant(cmp.variants, a.convention);
  // Lower case where the convention is upper case is a form difference too.
  if (variant === null && a.convention.includes('UPPER_CASE') && name !== name.toUpperCase()) variant = 'LOWER_CASE';
  return variant
    ? { ...r, kind: 'FORMAT_ONLY', field: 'fullName', variant, sourceValue: name, trueValue: popName }
    : null;
}

/** A date of birth or sex that differs from the population's: MISMATCH, or FORMAT_ONLY (CODING) when only its coding does. */
function codedFinding(
  r: RecordRef,
  field: 'dateOfBirth' | 'sex',
  same: boolean,
  sourceValue: unknown,
  trueValue: string,
): Finding {
  return {
    ...r,
    kind: same ? 'FORMAT_ONLY' : 'MISMATCH',
    field,
    ...(same ? { variant: 'CODING' as const } : {}),
    sourceValue: String(sourceValue),
    trueValue,
  };
}

/** The date of birth against the population's: FORMAT_ONLY (CODING), MISMATCH, or null. */
function dateFinding(r: RecordRef, id: Identity, popDob: string | null): Finding | null {
  if (popDob === null || id.dob.value === null || (!id.dob.coded && id.dob.value === popDob)) return null;
  return codedFinding(r, 'dateOfBirth', id.dob.value === popDob, id.rawDob, popDob);
}

/** The sex against the population's: FORMAT_ONLY (CODING), MISMATCH, or null. */
function sexFinding(r: RecordRef, id: Identity, male: boolean | null): Finding | null {
  if (male === null || id.sex.value === null || (!id.sex.coded && (id.sex.value === 'M') === male)) return null;
  return codedFinding(r, 'sex', (id.sex.value === 'M') === male, id.rawSex, male ? 'Nam' : 'Nữ');
}

/** Appends a finding, if any, to a list allocated on the first one. */
function add(out: Finding[] | null, f: Finding | null): Finding[] | null {
  if (f) (out ??= []).push(f);
  return out;
}

/**
 * Deceased, still valid: the validity fields are read (and checked: MALFORMED) for every record
 * of a source that has them; DECEASED_ACTIVE when the person is deceased and the record valid.
 */
function validity(
  r: RecordRef,
  raw: Record<string, unknown>,
  a: Adapter,
  slot: number,
  index: PopulationIndex,
  ctx: DetectContext,
  out: Finding[] | null,
): Finding[] | null {
  if (!a.validUntil) return out;
  const vm = new Malformed(r.source, r.recordKey, r.personalId);
  const until = a.validUntil(raw, ctx.today, vm);
  if (vm.findings) (out ??= []).push(...vm.findings);
  if (until === null || !index.isDeceased(slot)) return out;
  return add(out, {
    ...r,
    kind: 'DECEASED_ACTIVE',
    sourceValue: until,
    trueValue: index.dateOfDeathOf(slot) ?? undefined,
  });
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
  if (keyProblem) {
    // No key to find the person by: only the problem is reported.
    ctx.lastSlot = -1;
    ctx.lastTie = 0;
    const key = invalidRecordKey(raw._id);
    return [{ source, recordKey: key, personalId: null, kind: 'MALFORMED', field: '_id', sourceValue: keyProblem }];
  }
  const key = raw._id as string;

  // Fast path (the usual case): keyed by the personal ID, the values are the population's in the
  // source's convention; nothing more to read but the validity.
  // Only a 12-digit key can be a person's (the index also holds the hashed keys of unusable IDs).
  const keyed = key.length === 12 ? index.slotOf(key) : -1;
  const fast =
    keyed >= 0 &&
    inConvention(raw, a, keyed, index) &&
    (!a.insuranceNumber || numbersInConvention(raw, a.insuranceNumber, key));
  if (fast && !a.validUntil) {
    ctx.lastSlot = keyed;
    ctx.lastTie = TIE_PERSONAL_ID;
    const dup = ctx.duplicates.observe(source, keyed, key, TIE_PERSONAL_ID, index);
    return dup ? [dup] : NONE;
  }

  const m = new Malformed(source, key, null);
  const id: Identity = fast ? FAST_IDENTITY : readIdentity(raw, a, m);
  const slot = resolvePerson(key, keyed, id, { raw, a }, index, ctx);
  if (slot < 0) {
    const orphan: Finding[] = [{ source, recordKey: key, personalId: null, kind: 'ORPHAN' }];
    return m.findings ? orphan.concat(m.findings) : orphan;
  }
  const tie = ctx.lastTie as Tie; // a person was found: not 0
  const personalId = index.idOf(slot);
  const r: RecordRef = { source, recordKey: key, personalId };
  let out: Finding[] | null =
    tie === TIE_OLD_ID ? [{ ...r, kind: 'OLD_ID_KEY', sourceValue: key, trueValue: personalId }] : null;
  if (m.findings) {
    for (const f of m.findings) f.personalId = personalId;
    (out ??= []).push(...m.findings);
  }

  // Identity fields: each compared only when both sides can be read.
  if (!fast) out = add(out, nameFinding(r, id.name, a, slot, index));
  out = add(out, dateFinding(r, id, index.dateOfBirthOf(slot)));
  out = add(out, sexFinding(r, id, index.maleOf(slot)));
  if (a.insuranceNumber && !fast) {
    const nm = new Malformed(source, key, personalId);
    out = add(out, numberFinding(r, raw, a.insuranceNumber, nm));
    if (nm.findings) (out ??= []).push(...nm.findings);
  }
  out = validity(r, raw, a, slot, index, ctx, out);

  // A second record of the person in this source?
  out = add(out, ctx.duplicates.observe(source, slot, key, tie, index));
  return out ?? NONE;
}
