/**
 * Vietnamese text forms used by the generator (and useful to reconciliation):
 * diacritic stripping, folding for comparison, and the "form-only" variants that
 * agencies' copies of a name show (docs/domain.md, "Data quality").
 */
import { nameKey } from '../../services/reconciliation/names';

/** Removes tone and vowel marks and maps Đ/đ to D/d; result is NFC. */
export function stripDiacritics(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}

/** Upper case, no diacritics, single spaces: "NGUYEN VAN AN" (the BHXH convention). */
export function upperNoDiacritics(s: string): string {
  return stripDiacritics(s.normalize('NFC')).toUpperCase().replace(/\s+/g, ' ').trim();
}

/** Upper case keeping diacritics, NFC: "NGUYỄN VĂN AN" (the GPLX convention). */
export function upperVi(s: string): string {
  return s.normalize('NFC').toUpperCase();
}

/**
 * The comparison key of a name: two names with the same fold may differ only in form
 * (case, diacritics, Unicode normalisation, tone-mark placement, Đ/D). The hub's one
 * definition ({@link nameKey} in services/reconciliation/names.ts), so that what the generator
 * calls another name is what reconciliation does.
 */
export function foldName(s: string): string {
  return nameKey(s);
}

const TONED_O_U = 'òóỏõọÒÓỎÕỌùúủũụÙÚỦŨỤ';
// A word ending in an open "oa"/"oe" or "uy" whose tone mark sits on the first vowel
// ("Hòa", "Khỏe", "Thủy"); "qu" + y ("Quý") is excluded: there the u is a consonant.
const OLD_TONE_RE = new RegExp(`([${TONED_O_U}])([aeAEyY])(?=$|[^\\p{L}\\p{M}])`, 'gu');

/**
 * Moves the tone mark of open "oa", "oe", "uy" syllables from the first to the
 * second vowel: "Hòa" → "Hoà", "Thúy" → "Thuý", "Khỏe" → "Khoẻ". The generator
 * calls the population's form ("Hòa") canonical; the other is the variant
 * OLD_TONE_MARK. Words with a final consonant ("Hoàng") or "qu" ("Quý") are unchanged.
 */
export function moveToneMarkToSecondVowel(s: string): string {
  return s
    .normalize('NFC')
    .replace(OLD_TONE_RE, (whole, first: string, second: string, offset: number, all: string) => {
      const base = first.normalize('NFD');
      const vowel = base[0];
      const mark = base.slice(1);
      const pair = `${vowel}${second}`.toLowerCase();
      if (pair !== 'oa' && pair !== 'oe' && pair !== 'uy') return whole; // "ùa" (mùa), "úy"... keep
      if (pair === 'uy' && offset > 0 && /[qQ]/.test(all[offset - 1])) return whole;
      // The syllable must not already carry a mark on the second vowel (it does not: second is bare).
      return (vowel + (second + mark).normalize('NFC')).normalize('NFC');
    });
}

/** The population's canonical tone placement: inverse of {@link moveToneMarkToSecondVowel}. */
export function moveToneMarkToFirstVowel(s: string): string {
  return s
    .normalize('NFC')
    .replace(
      /([oOuU])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ])(?=$|[^\p{L}\p{M}])/gu,
      (whole, first: string, second: string, offset: number, all: string) => {
        if ((first === 'u' || first === 'U') && offset > 0 && /[qQ]/.test(all[offset - 1])) return whole;
        const d = second.normalize('NFD');
        const pair = `${first}${d[0]}`.toLowerCase();
        if (pair !== 'oa' && pair !== 'oe' && pair !== 'uy') return whole;
        return ((first + d.slice(1)).normalize('NFC') + d[0]).normalize('NFC');
      },
    );
}

/** "Đ" → "D", "đ" → "d", everything else kept. */
export function dForDd(s: string): string {
  return s.replace(/Đ/g, 'D').replace(/đ/g, 'd');
}

/** The FORMAT_ONLY variants a name can be given (docs/domain.md). */
export type NameVariant = 'UPPER_CASE' | 'NO_DIACRITICS' | 'NFD' | 'OLD_TONE_MARK' | 'D_FOR_DD';

export const NAME_VARIANTS: readonly NameVariant[] = [
  'UPPER_CASE',
  'NO_DIACRITICS',
  'NFD',
  'OLD_TONE_MARK',
  'D_FOR_DD',
];

/**
 * Applies a variant to a name already in a source's own convention (`upper`: the
 * source stores upper case, as GPLX does). Returns null when the variant would not
 * change the stored string (e.g. D_FOR_DD on a name without Đ, UPPER_CASE in an
 * upper-case source).
 */
export function applyNameVariant(conventional: string, variant: NameVariant, upper: boolean): string | null {
  let out: string;
  switch (variant) {
    case 'UPPER_CASE':
      if (upper) return null;
      out = upperVi(conventional);
      break;
    case 'NO_DIACRITICS':
      out = upperNoDiacritics(conventional);
      break;
    case 'NFD':
      out = conventional.normalize('NFD');
      break;
    case 'OLD_TONE_MARK':
      out = moveToneMarkToSecondVowel(conventional);
      break;
    case 'D_FOR_DD':
      out = dForDd(conventional);
      break;
  }
  return out === conventional ? null : out;
}
