import { unreadableOf } from '../../connectors/fields';
import { badCases, expectUnreadable } from '../support/bad-fields';
import { mapSocialInsurance } from '../../connectors/social-insurance/connector';
import type { SoBhxhDoc } from '../../connectors/social-insurance/model';

const doc: SoBhxhDoc = {
  _id: '001095012345',
  hoTen: 'NGUYEN THI THUY',
  ngaySinh: '05/03/1995',
  gioiTinh: 'NU',
  maSoBhxh: '0123456789',
  quaTrinh: [
    {
      tuThang: '07/2017',
      denThang: '02/2020',
      donVi: 'Công ty TNHH May Việt Tiến',
      mucLuong: 6_500_000,
      loaiHinh: 'BB',
    },
    { tuThang: '03/2020', denThang: null, donVi: 'Tự đóng', mucLuong: 3_000_000, loaiHinh: 'TN' },
  ],
  tongSoThang: 112,
  cheDo: [{ loai: 'THAI_SAN', ngay: '12/08/2019', soTien: 42_000_000 }],
  ngayCapNhat: '30/09/2026',
};

describe('social-insurance connector mapping', () => {
  it('turns months into first/last days, codes into enums', () => {
    const r = mapSocialInsurance(doc);
    expect(r.contributionPeriods).toEqual([
      {
        from: '2017-07-01',
        to: '2020-02-29',
        employer: 'Công ty TNHH May Việt Tiến',
        salaryBase: 6_500_000,
        scheme: 'COMPULSORY',
      },
      { from: '2020-03-01', to: null, employer: 'Tự đóng', salaryBase: 3_000_000, scheme: 'VOLUNTARY' },
    ]);
    expect(r.benefits).toEqual([{ kind: 'MATERNITY', date: '2019-08-12', amount: 42_000_000 }]);
    expect(r.holderNameAtSource).toBe('NGUYEN THI THUY');
    expect(r.provenance).toEqual({ source: 'SOCIAL_INSURANCE', updatedAtSource: new Date('2026-09-29T17:00:00Z') });
  });
});

describe('the social-insurance number: the personal ID since 1 August 2025, or the older 10 digits', () => {
  const numbers = (over: Partial<SoBhxhDoc>) => {
    const r = mapSocialInsurance({ ...doc, ...over });
    return {
      number: r.socialInsuranceNumber,
      kind: r.socialInsuranceNumberKind,
      legacy: r.legacySocialInsuranceNumber,
      bad: unreadableOf(r, 'socialInsuranceNumber') ?? unreadableOf(r, 'legacySocialInsuranceNumber') ?? null,
    };
  };

  it('an older book: the 10-digit number is both the number in force and the legacy one', () => {
    expect(numbers({})).toEqual({ number: '0123456789', kind: 'LEGACY', legacy: '0123456789', bad: null });
  });

  it('a converted book: the personal ID in force, the 10-digit number kept beside it', () => {
    expect(numbers({ maSoBhxh: '001095012345', maSoBhxhCu: '0123456789' })).toEqual({
      number: '001095012345',
      kind: 'PERSONAL_ID',
      legacy: '0123456789',
      bad: null,
    });
  });

  it('a book opened since 1 August 2025: the personal ID only', () => {
    expect(numbers({ maSoBhxh: '001095012345' })).toEqual({
      number: '001095012345',
      kind: 'PERSONAL_ID',
      legacy: null,
      bad: null,
    });
    expect(numbers({ maSoBhxh: '001095012345', maSoBhxhCu: null })).toMatchObject({ legacy: null, bad: null });
  });

  it('a kept number that is not 10 digits is unreadable; the number in force still reads', () => {
    expect(numbers({ maSoBhxh: '001095012345', maSoBhxhCu: '12345' })).toEqual({
      number: '001095012345',
      kind: 'PERSONAL_ID',
      legacy: null,
      bad: { source: 'socialInsurance', field: 'maSoBhxhCu', problem: 'BAD_FORMAT' },
    });
  });

  it('a number that is neither form is unreadable, with the kind; a kept older number still reads', () => {
    expect(numbers({ maSoBhxh: '01234567890', maSoBhxhCu: '0123456789' })).toEqual({
      number: null,
      kind: null,
      legacy: '0123456789',
      bad: { source: 'socialInsurance', field: 'maSoBhxh', problem: 'BAD_FORMAT' },
    });
  });
});

describe('socialInsurance: a bad field is null and marked unreadable, the rest read', () => {
  it.each(badCases('socialInsurance'))('%s', (_label, f, problem, value) => {
    expectUnreadable(mapSocialInsurance, doc, f, problem, value, 'socialInsurance');
  });

  it('throws only for a record that is not an object or whose _id cannot be read', () => {
    expect(() => mapSocialInsurance(null as never)).toThrow();
    expect(() => mapSocialInsurance('x' as never)).toThrow();
    expect(() => mapSocialInsurance({ ...doc, _id: null } as never)).toThrow();
    expect(() => mapSocialInsurance({ ...doc, _id: 'a\u0000b' })).toThrow();
  });
});
