/**
 * Comparison of Vietnamese personal names across agencies' copies (docs/domain.md, "Data quality").
 *
 * Two names are **the same name** when they spell the same syllables, possibly in another
 * *form*. The forms this module recognises (`NameVariant`) are:
 *
 * | variant         | example (population ↔ source)              | rule                                                    |
 * |-----------------|--------------------------------------------|---------------------------------------------------------|
 * | `UPPER_CASE`    | "Nguyễn Văn An" ↔ "NGUYỄN VĂN AN"          | letter case differs (usually all capitals)              |
 * | `NO_DIACRITICS` | "Dương Thị Quyên" ↔ "DUONG THI QUYEN"      | one side carries no tone or vowel marks at all          |
 * | `NFD`           | NFC "Hà" ↔ decomposed "Ha\u0300"           | Unicode normalisation form differs                      |
 * | `OLD_TONE_MARK` | "Hòa" ↔ "Hoà", "Thủy" ↔ "Thuỷ", "Khỏe" ↔ "Khoẻ" | same tone on another vowel of the same syllable    |
 * | `D_FOR_DD`      | "Đặng Thị Hòa" ↔ "Dặng Thị Hòa"            | "Đ"/"đ" written as "D"/"d"                              |
 * | `SPACING`       | "Lê  Văn Tám " ↔ "Lê Văn Tám"              | whitespace differs (runs, leading/trailing, NBSP)       |
 * | `INVISIBLE`     | "Ng\u200Buyễn" ↔ "Nguyễn"                  | zero-width space/(non-)joiner, BOM, soft hyphen, word joiner |
 * | `LOOK_ALIKE`    | "\u00D0ặng" (Ð, eth) ↔ "Đặng"              | a legacy encoding's look-alike of Đ/đ (Ð ð Ɖ ɖ)          |
 * | `LOWER_CASE`    | "Nguyễn Văn An" in a source storing "NGUYỄN VĂN AN" | not the source's upper-case convention (set by detection) |
 *
 * Rules, in order:
 * 1. Identical strings are equal, with no variant.
 * 2. The *folded* forms ({@link nameKey}: no marks, Đ→D, upper case, single spaces) must be equal,
 *    syllable by syllable; otherwise the names really differ ("Nguyễn Văn An" ≠ "Nguyễn Văn Bình").
 * 3. Marks (the five tones — huyền, sắc, hỏi, ngã, nặng — and the vowel marks ă/â/ê/ô/ơ/ư):
 *    - when exactly one side has **no mark anywhere** it is the stripped form of the other:
 *      `NO_DIACRITICS` ("Nguyễn Văn An" ↔ "NGUYEN VAN AN");
 *    - when **both** sides carry marks, every syllable must carry the same vowel marks on the
 *      same letters and the same tone; only the vowel holding the tone may differ
 *      (`OLD_TONE_MARK`). A syllable's tone is one per syllable and its position is a spelling
 *      convention, so "Hoà"/"Hòa", "Thuý"/"Thúy" and also "Qúy"/"Quý" are the same syllable.
 *      Any other mark difference makes them different names, even when they fold to the same
 *      ASCII: "Nguyễn Văn An" ≠ "Nguyễn Văn Ân", "Lê Thị Hà" ≠ "Lê Thị Hạ",
 *      "Nguyên" ≠ "Nguyễn". A *partially* stripped name ("Nguyen Văn An") is therefore a
 *      mismatch: a lost mark cannot be told apart from a different name once the other
 *      marks are kept.
 * 4. "Đ" versus "D" is always a form difference (`D_FOR_DD`): legacy fonts and keyboards lose
 *    the stroke independently of the other marks ("Đặng"/"Dặng"; "Đặng"/"DANG" is
 *    `NO_DIACRITICS` and `D_FOR_DD`). It is *not* a mark in rule 3, so "ĐANG VAN AN" counts as a
 *    stripped form.
 * 5. Case, Unicode normalisation and whitespace never change the name.
 * 6. Invisible characters are removed and look-alike letters read as the letter they stand for
 *    before anything else ({@link cleanName}); their presence is a form difference.
 *
 * `variants` lists every form that differs, in the order of {@link VARIANT_PRECEDENCE}
 * (most information lost first); `variant` is the first of them, the one that explains the
 * difference: "Đặng Văn An" ↔ "DANG VAN AN" gives `NO_DIACRITICS` (with `UPPER_CASE` and
 * `D_FOR_DD` also listed, since the stripped form is also upper case and without "Đ").
 */

export type NameVariant =
  | 'UPPER_CASE'
  | 'NO_DIACRITICS'
  | 'NFD'
  | 'OLD_TONE_MARK'
  | 'D_FOR_DD'
  | 'SPACING'
  | 'INVISIBLE'
  | 'LOOK_ALIKE'
  | 'LOWER_CASE'
  /** A date of birth or sex coded otherwise than the source's convention (not a name variant). */
  | 'CODING';

/** Variants from the most to the least information lost; `NameComparison.variant` is the first present. */
export const VARIANT_PRECEDENCE: readonly NameVariant[] = [
  'NO_DIACRITICS',
  'UPPER_CASE',
  'LOWER_CASE',
  'D_FOR_DD',
  'LOOK_ALIKE',
  'OLD_TONE_MARK',
  'INVISIBLE',
  'NFD',
  'SPACING',
];

/** Characters that show nothing: soft hyphen, zero-width space/non-joiner/joiner, word joiner, BOM. */
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
const HAS_INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/;
/** Look-alikes of Đ/đ that legacy encodings (VNI/TCVN3 read as Windows-1252, …) produce. */
const LOOK_ALIKES = /[\u00D0\u00F0\u0189\u0256]/g;
const HAS_LOOK_ALIKE = /[\u00D0\u00F0\u0189\u0256]/;
const LOOK_ALIKE_OF: Record<string, string> = { '\u00D0': 'Đ', '\u00F0': 'đ', '\u0189': 'Đ', '\u0256': 'đ' };
const NEEDS_CLEANING = /[\u00AD\u200B-\u200D\u2060\uFEFF\u00D0\u00F0\u0189\u0256]/;

/** True when the name holds an invisible character (see {@link cleanName}). */
export function hasInvisible(s: string): boolean {
  return HAS_INVISIBLE.test(s);
}

/** True when the name holds a look-alike of Đ/đ (see {@link cleanName}). */
export function hasLookAlike(s: string): boolean {
  return HAS_LOOK_ALIKE.test(s);
}

/**
 * A name with its invisible characters removed and its look-alike letters replaced by the letter
 * they stand for ("Ng\u200Buyễn \u00D0ức" → "Nguyễn Đức"). The string itself when clean.
 */
export function cleanName(s: string): string {
  if (!NEEDS_CLEANING.test(s)) return s;
  return s.replace(INVISIBLE, '').replace(LOOK_ALIKES, (c) => LOOK_ALIKE_OF[c]);
}

export interface NameComparison {
  /** The same name: identical, or differing only in form. */
  equal: boolean;
  /** The same name written differently (`equal` and the strings are not identical). */
  formOnly: boolean;
  /** The forms that differ, in {@link VARIANT_PRECEDENCE} order (empty unless `formOnly`). */
  variants: NameVariant[];
  /** The main variant (`variants[0]`), or null. */
  variant: NameVariant | null;
}

const IDENTICAL: NameComparison = Object.freeze({ equal: true, formOnly: false, variants: [], variant: null });
const DIFFERENT: NameComparison = Object.freeze({ equal: false, formOnly: false, variants: [], variant: null });

const COMBINING = /[\u0300-\u036f]/g;
const HAS_COMBINING = /[\u0300-\u036f]/;
const SPACES = /\s+/g;

/**
 * The comparison key of a name: no tone or vowel marks, "Đ" → "D", upper case, single spaces,
 * trimmed ("Nguyễn  Văn Ân" → "NGUYEN VAN AN"). Equal keys are necessary (not sufficient) for
 * two names to be the same; it is also the social-insurance (BHXH) storage convention.
 */
export function nameKey(s: string): string {
  return cleanName(s)
    .normalize('NFD')
    .replace(COMBINING, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(SPACES, ' ')
    .trim();
}

/** True when the name carries a tone or vowel mark (Đ does not count, see the module rules). */
export function hasMarks(s: string): boolean {
  return HAS_COMBINING.test(cleanName(s).normalize('NFD'));
}

// Tone marks (NFD combining characters): huyền, sắc, ngã, hỏi, nặng.
const TONE_GRAVE = 0x300;
const TONE_ACUTE = 0x301;
const TONE_TILDE = 0x303;
const TONE_HOOK = 0x309;
const TONE_DOT = 0x323;

function isTone(cp: number): boolean {
  return cp === TONE_GRAVE || cp === TONE_ACUTE || cp === TONE_TILDE || cp === TONE_HOOK || cp === TONE_DOT;
}

/** One letter of a syllable (NFD: a base character and the marks that follow it). */
interface Letter {
  base: string; // upper case, "Đ" → "D"
  upper: boolean;
  stroke: boolean; // Đ/đ
  shape: string; // non-tone marks (circumflex, breve, horn, ...), in canonical order
}

interface Syllable {
  letters: Letter[];
  /** Tone marks as `mark * 64 + letter index`, in order. */
  tones: number[];
}

interface Parsed {
  syllables: Syllable[];
  marked: boolean; // carries at least one combining mark (tone or vowel mark)
}

function parse(s: string): Parsed {
  const syllables: Syllable[] = [];
  let marked = false;
  for (const word of s.normalize('NFD').trim().split(SPACES)) {
    if (word.length === 0) continue;
    const letters: Letter[] = [];
    const tones: number[] = [];
    for (const ch of word) {
      const cp = ch.codePointAt(0)!;
      if (cp >= 0x300 && cp <= 0x36f) {
        marked = true;
        if (letters.length === 0) letters.push({ base: '', upper: false, stroke: false, shape: '' });
        if (isTone(cp)) tones.push(cp * 64 + (letters.length - 1));
        else letters[letters.length - 1].shape += ch;
        continue;
      }
      const stroke = ch === 'đ' || ch === 'Đ';
      const up = ch.toUpperCase();
      letters.push({ base: stroke ? 'D' : up, upper: ch === up && ch !== ch.toLowerCase(), stroke, shape: '' });
    }
    syllables.push({ letters, tones });
  }
  return { syllables, marked };
}

/** The whitespace layout: every run of non-space characters replaced by one dot. */
function layout(s: string): string {
  return s.replace(/\S+/g, '.');
}

/**
 * Compares two names (any Unicode form, any case). See the module comment for the rules.
 *
 *     compareNames('Nguyễn Thị Hòa', 'NGUYỄN THỊ HOÀ')
 *     // { equal: true, formOnly: true, variants: ['UPPER_CASE', 'OLD_TONE_MARK'], variant: 'UPPER_CASE' }
 *     compareNames('Nguyễn Văn An', 'Nguyễn Văn Ân') // { equal: false, ... }
 */
export function compareNames(rawA: string, rawB: string): NameComparison {
  if (rawA === rawB) return IDENTICAL;
  const a = cleanName(rawA);
  const b = cleanName(rawB);
  const invisible = hasInvisible(rawA) || hasInvisible(rawB);
  const lookAlike = hasLookAlike(rawA) || hasLookAlike(rawB);
  if (nameKey(a) !== nameKey(b)) return DIFFERENT;
  const pa = parse(a);
  const pb = parse(b);
  if (pa.syllables.length !== pb.syllables.length) return DIFFERENT;

  let upperCase = false;
  let dForDd = false;
  let toneMoved = false;
  const noDiacritics = pa.marked !== pb.marked;
  const compareMarks = pa.marked && pb.marked;
  for (let i = 0; i < pa.syllables.length; i++) {
    const sa = pa.syllables[i];
    const sb = pb.syllables[i];
    if (sa.letters.length !== sb.letters.length) return DIFFERENT;
    for (let j = 0; j < sa.letters.length; j++) {
      const la = sa.letters[j];
      const lb = sb.letters[j];
      if (la.base !== lb.base) return DIFFERENT;
      if (la.upper !== lb.upper) upperCase = true;
      if (la.stroke !== lb.stroke) dForDd = true;
      if (compareMarks && la.shape !== lb.shape) return DIFFERENT;
    }
    if (compareMarks) {
      if (sa.tones.length !== sb.tones.length) return DIFFERENT;
      for (let t = 0; t < sa.tones.length; t++) {
        if (sa.tones[t] === sb.tones[t]) continue;
        if (sa.tones[t] >> 6 !== sb.tones[t] >> 6) return DIFFERENT; // another tone
        toneMoved = true; // same tone, another vowel
      }
    }
  }

  const nfcA = a.normalize('NFC');
  const nfcB = b.normalize('NFC');
  const variants: NameVariant[] = [];
  if (noDiacritics) variants.push('NO_DIACRITICS');
  if (upperCase) variants.push('UPPER_CASE');
  if (dForDd) variants.push('D_FOR_DD');
  if (lookAlike) variants.push('LOOK_ALIKE');
  if (toneMoved) variants.push('OLD_TONE_MARK');
  if (invisible) variants.push('INVISIBLE');
  if (nfcA !== a || nfcB !== b) {
    // Flag the normalisation form when it is what differs (not when both sides are decomposed alike).
    if (nfcA === a || nfcB === b || variants.length === 0) variants.push('NFD');
  }
  if (layout(a) !== layout(b)) variants.push('SPACING');
  if (variants.length === 0) variants.push('NFD'); // same letters and marks, other code points
  return { equal: true, formOnly: true, variants, variant: variants[0] };
}

/** The main variant among `variants` once the forms in `ignore` (a source's own convention) are removed. */
export function mainVariant(variants: readonly NameVariant[], ignore: readonly NameVariant[] = []): NameVariant | null {
  for (const v of variants) if (!ignore.includes(v)) return v;
  return null;
}
