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
