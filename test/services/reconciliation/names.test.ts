import { compareNames, hasMarks, mainVariant, nameKey, type NameVariant } from '../../../services/reconciliation/names';

const nfd = (s: string): string => s.normalize('NFD');

/** [population, other, expected variants] for names that are the same name in another form. */
const SAME: Array<[string, string, NameVariant[]]> = [
  // case
  ['Quyên', 'QUYÊN', ['UPPER_CASE']],
  ['Trương Thị Ngọc Ánh', 'TRƯƠNG THỊ NGỌC ÁNH', ['UPPER_CASE']],
  ['Ưng Hoàng Phúc', 'ưng hoàng phúc', ['UPPER_CASE']],
  // the stripped form (one side has no mark at all)
  ['Dương', 'Duong', ['NO_DIACRITICS']],
  ['Nguyễn Văn An', 'NGUYEN VAN AN', ['NO_DIACRITICS', 'UPPER_CASE']],
  ['Đặng', 'Dang', ['NO_DIACRITICS', 'D_FOR_DD']],
  ['Đặng Văn An', 'DANG VAN AN', ['NO_DIACRITICS', 'UPPER_CASE', 'D_FOR_DD']],
  ['Đặng Văn An', 'ĐANG VAN AN', ['NO_DIACRITICS', 'UPPER_CASE']], // "Đ" kept, marks lost
  ['Lương Thị Ơn', 'Luong Thi On', ['NO_DIACRITICS']],
  ['Trần Thị Ngọc Ẩn', 'tran thi ngoc an', ['NO_DIACRITICS', 'UPPER_CASE']],
  // Unicode normalisation
  ['Hà', 'Ha\u0300', ['NFD']],
  ['Nguyễn Thị Ngọc Ánh', nfd('Nguyễn Thị Ngọc Ánh'), ['NFD']],
  ['Phạm Thị Thu Hằng', nfd('PHẠM THỊ THU HẰNG'), ['UPPER_CASE', 'NFD']],
  // old vs new tone-mark placement
  ['Nguyễn Thị Hòa', 'Nguyễn Thị Hoà', ['OLD_TONE_MARK']],
  ['Lê Thúy', 'Lê Thuý', ['OLD_TONE_MARK']],
  ['Trần Thị Thủy', 'Trần Thị Thuỷ', ['OLD_TONE_MARK']],
  ['Võ Văn Khỏe', 'Võ Văn Khoẻ', ['OLD_TONE_MARK']],
  ['Hoàng Thị Thùy', 'HOÀNG THỊ THUỲ', ['UPPER_CASE', 'OLD_TONE_MARK']],
  ['Đỗ Xuân Hòa', nfd('Đỗ Xuân Hoà'), ['OLD_TONE_MARK', 'NFD']],
  ['Quý', 'Qúy', ['OLD_TONE_MARK']], // misplaced, still the same syllable
  // Đ written D, the other marks intact
  ['Đặng Thị Hòa', 'Dặng Thị Hòa', ['D_FOR_DD']],
  ['Đinh Đức Đạt', 'Dinh Dức Dạt', ['D_FOR_DD']],
  ['ĐOÀN VĂN ĐỨC', 'DOÀN VĂN DỨC', ['D_FOR_DD']],
  // whitespace
  ['Lê Văn Tám', '  Lê  Văn Tám ', ['SPACING']],
  ['Nguyễn Văn An', 'Nguyễn\u00a0Văn An', ['SPACING']],
];

/** Different names, although they may fold to the same ASCII. */
const DIFFERENT: Array<[string, string]> = [
  ['Nguyễn Văn An', 'Nguyễn Văn Ân'], // both carry marks: Ân is another name
  ['Lê Thị Hà', 'Lê Thị Hạ'], // another tone
  ['Nguyễn Thị Hoà', 'Nguyễn Thị Hoá'],
  ['Nguyễn Văn Nguyên', 'Nguyễn Văn Nguyễn'], // a missing tone, other marks kept
  ['Trần Thị Mơ', 'Trần Thị Mô'], // horn vs circumflex
  ['Đặng Văn Ăn', 'Đặng Văn Ân'], // breve vs circumflex
  ['Nguyễn Văn An', 'Nguyen Văn An'], // partially stripped: cannot tell a lost mark from a different name
  ['Nguyễn Văn An', 'Nguyễn Văn Bình'],
  ['Nguyễn Văn An', 'Nguyễn An'], // a syllable missing
  ['Nguyễn Văn An', 'NguyễnVăn An'], // syllables glued
  ['Dương', 'Đương Văn'],
];

describe('compareNames', () => {
  it.each(SAME)('%j and %j are the same name in another form', (a, b, variants) => {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const c = compareNames(x, y);
      expect(c).toEqual({ equal: true, formOnly: true, variants, variant: variants[0] });
    }
  });

  it.each(DIFFERENT)('%j and %j are different names', (a, b) => {
    expect(compareNames(a, b)).toEqual({ equal: false, formOnly: false, variants: [], variant: null });
    expect(compareNames(b, a).equal).toBe(false);
  });

  it('identical names are equal with no variant', () => {
    expect(compareNames('Nguyễn Thị Hòa', 'Nguyễn Thị Hòa')).toEqual({
      equal: true,
      formOnly: false,
      variants: [],
      variant: null,
    });
    expect(compareNames('', '')).toMatchObject({ equal: true, formOnly: false });
    expect(compareNames('', 'An').equal).toBe(false);
  });

  it('names without any mark differ only by case', () => {
    expect(compareNames('Chu Minh Vinh', 'CHU MINH VINH').variants).toEqual(['UPPER_CASE']);
  });

  it('ethnic-minority names with apostrophes and unusual letters', () => {
    expect(compareNames("Ksor H'Bia", "KSOR H'BIA").variants).toEqual(['UPPER_CASE']);
    expect(compareNames('Byă Thị Mỷ', 'Bya Thi My').variants).toEqual(['NO_DIACRITICS']);
    expect(compareNames('Êban Y Rin', 'Eban Y Rin').variants).toEqual(['NO_DIACRITICS']);
  });
});

describe('nameKey / hasMarks / mainVariant', () => {
  it('folds to upper case without marks, Đ as D, single spaces', () => {
    expect(nameKey(' Đặng  Thị Hoà ')).toBe('DANG THI HOA');
    expect(nameKey(nfd('Nguyễn Văn Ân'))).toBe('NGUYEN VAN AN');
    expect(nameKey('Trương Ưng Ơn')).toBe('TRUONG UNG ON');
  });

  it('Đ is not a mark', () => {
    expect(hasMarks('ĐANG VAN AN')).toBe(false);
    expect(hasMarks('Dương')).toBe(true);
    expect(hasMarks(nfd('Hà'))).toBe(true);
  });

  it("ignores a source's own convention", () => {
    const v = compareNames('Đặng Văn An', 'DANG VAN AN').variants;
    expect(mainVariant(v)).toBe('NO_DIACRITICS');
    expect(mainVariant(v, ['UPPER_CASE', 'NO_DIACRITICS', 'D_FOR_DD'])).toBeNull();
    expect(mainVariant(compareNames('Nguyễn Thị Hòa', 'NGUYỄN THỊ HOÀ').variants, ['UPPER_CASE'])).toBe(
      'OLD_TONE_MARK',
    );
  });
});
