import { unreadableOf } from '../../connectors/fields';
import { badCases, expectUnreadable } from '../support/bad-fields';
import { mapHealthInsurance } from '../../connectors/health-insurance/connector';
import type { TheBhytDoc } from '../../connectors/health-insurance/model';

const doc: TheBhytDoc = {
  _id: '001095012345',
  HO_TEN: 'Nguyễn Thị Thúy',
  NGAY_SINH: '05/03/1995',
  GIOI_TINH: 2,
  MA_SO_BHXH: '0123456789',
  MA_THE: 'DN4010123456789',
  MUC_HUONG: 4,
  GT_THE_TU: '01/01/2026',
  GT_THE_DEN: '31/12/2026',
  MA_DKBD: '01001',
  TEN_DKBD: 'Bệnh viện Bạch Mai',
  NGAY_DU_5NAM: '01/01/2024',
  NGAY_CAP: '20/12/2025',
  HINH_THUC_THE: 'DIEN_TU',
  NGAY_CAP_NHAT: '15/10/2026 09:30:00',
};

describe('health-insurance connector mapping', () => {
  it('converts dd/MM/yyyy dates and VSS local update time', () => {
    const r = mapHealthInsurance(doc);
    expect(r).toMatchObject({
      cardNumber: 'DN4010123456789',
      socialInsuranceCode: '0123456789',
      benefitLevel: 4,
      validFrom: '2026-01-01',
      validTo: '2026-12-31',
      fiveYearsContinuousFrom: '2024-01-01',
      primaryCareFacility: { code: '01001', name: 'Bệnh viện Bạch Mai' },
    });
    expect(r.provenance.updatedAtSource).toEqual(new Date('2026-10-15T02:30:00Z'));
  });

  it('keeps a missing five-years date as null', () => {
    expect(mapHealthInsurance({ ...doc, NGAY_DU_5NAM: null }).fiveYearsContinuousFrom).toBeNull();
  });
});

describe('the card form: electronic for cards issued since 1 June 2025, paper only when the record says so', () => {
  const form = (over: Partial<TheBhytDoc>) => {
    const r = mapHealthInsurance({ ...doc, ...over });
    return { issuedOn: r.issuedOn, form: r.form, bad: unreadableOf(r, 'form') };
  };

  it('a card issued on 1 June 2025 or later is electronic, recorded so or with no form recorded', () => {
    expect(form({})).toEqual({ issuedOn: '2025-12-20', form: 'ELECTRONIC', bad: undefined });
    expect(form({ NGAY_CAP: '01/06/2025', HINH_THUC_THE: undefined })).toEqual({
      issuedOn: '2025-06-01',
      form: 'ELECTRONIC',
      bad: undefined,
    });
  });

  it('a paper card issued since then only when the record says one was printed (an exception)', () => {
    expect(form({ NGAY_CAP: '02/06/2025', HINH_THUC_THE: 'GIAY' })).toMatchObject({ form: 'PAPER' });
  });

  it('a card issued the day before is a paper card when no form is recorded (the only form then printed)', () => {
    expect(form({ NGAY_CAP: '31/05/2025', HINH_THUC_THE: undefined })).toEqual({
      issuedOn: '2025-05-31',
      form: 'PAPER',
      bad: undefined,
    });
    expect(form({ NGAY_CAP: '31/05/2025', HINH_THUC_THE: 'DIEN_TU' })).toMatchObject({ form: 'ELECTRONIC' });
  });

  it('with no issue date (older records): the recorded form, else unknown (never a guessed paper card)', () => {
    expect(form({ NGAY_CAP: undefined, HINH_THUC_THE: undefined })).toEqual({
      issuedOn: null,
      form: null,
      bad: undefined,
    });
    expect(form({ NGAY_CAP: null, HINH_THUC_THE: 'GIAY' })).toMatchObject({ form: 'PAPER' });
  });

  it('with no form recorded, an unreadable issue date makes the form unreadable too (it decides it)', () => {
    expect(form({ NGAY_CAP: '31/02/2025', HINH_THUC_THE: undefined })).toEqual({
      issuedOn: null,
      form: null,
      bad: { source: 'healthInsurance', field: 'NGAY_CAP', problem: 'BAD_FORMAT' },
    });
  });

  it('an unknown form code is unreadable whatever the issue date', () => {
    expect(form({ NGAY_CAP: '31/05/2025', HINH_THUC_THE: 'NHUA' as never })).toEqual({
      issuedOn: '2025-05-31',
      form: null,
      bad: { source: 'healthInsurance', field: 'HINH_THUC_THE', problem: 'UNKNOWN_CODE' },
    });
  });

  it('reads a 12-digit social-insurance code (the personal ID since 1 August 2025)', () => {
    expect(mapHealthInsurance({ ...doc, MA_SO_BHXH: '001225012345', MA_THE: '001225012345' })).toMatchObject({
      socialInsuranceCode: '001225012345',
      cardNumber: '001225012345',
    });
  });
});

describe('healthInsurance: a bad field is null and marked unreadable, the rest read', () => {
  it.each(badCases('healthInsurance'))('%s', (_label, f, problem, value) => {
    expectUnreadable(mapHealthInsurance, doc, f, problem, value, 'healthInsurance');
  });

  it('throws only for a record that is not an object or whose _id cannot be read', () => {
    expect(() => mapHealthInsurance(null as never)).toThrow();
    expect(() => mapHealthInsurance('x' as never)).toThrow();
    expect(() => mapHealthInsurance({ ...doc, _id: null } as never)).toThrow();
    expect(() => mapHealthInsurance({ ...doc, _id: 'a\u0000b' })).toThrow();
  });
});
