import { caseComparison, identityFieldName } from '../../../services/reconciliation/case-values';
import { numberFinding, numbersInConvention, slotByNumber } from '../../../services/reconciliation/insurance-number';
import { PopulationIndex } from '../../../services/reconciliation/population-index';
import { Malformed } from '../../../services/reconciliation/readers';

/**
 * The social-insurance number's rules (docs/reconciliation-rules.md, "Social-insurance numbers"),
 * function by function; detect.test.ts checks them through whole records.
 */
const BHXH = { field: 'maSoBhxh', former: 'maSoBhxhCu' };
const ID = '079190123456';

describe('the number in convention (the fast path)', () => {
  it.each([
    [{ maSoBhxh: ID }, true],
    [{ maSoBhxh: '0112345678' }, true],
    [{ maSoBhxh: ID, maSoBhxhCu: '0112345678' }, true],
    [{ maSoBhxh: ID, maSoBhxhCu: null }, true],
    [{ maSoBhxh: '079190123457' }, false],
    [{ maSoBhxh: ID, maSoBhxhCu: ID }, false],
    [{ maSoBhxh: 112345678 }, false],
    [{}, false],
  ])('%j: %s', (raw, clean) => {
    expect(numbersInConvention(raw, BHXH, ID)).toBe(clean);
  });
});

describe('linking by the number', () => {
  it('only a 10-digit key whose record carries a known personal ID links', () => {
    const index = new PopulationIndex({ today: '2026-11-01' });
    expect(slotByNumber('0112345678', { maSoBhxh: ID }, BHXH, index)).toBe(-1); // nobody in the index yet
    expect(slotByNumber('023456789', { maSoBhxh: ID }, BHXH, index)).toBe(-1); // a CMND is not a BHXH key
    expect(slotByNumber('0112345678', { maSoBhxh: ID }, undefined, index)).toBe(-1); // a source without the number
  });
});

describe('findings of the number', () => {
  const ref = { source: 'socialInsurance' as const, recordKey: ID, personalId: ID };
  it('MISMATCH only for a 12-digit number that is not the person’s; MALFORMED for neither form', () => {
    const m = new Malformed('socialInsurance', ID, ID);
    expect(numberFinding(ref, { maSoBhxh: ID }, BHXH, m)).toBeNull();
    expect(numberFinding(ref, { maSoBhxh: '0112345678' }, BHXH, m)).toBeNull();
    expect(numberFinding(ref, { maSoBhxh: '079190123457' }, BHXH, m)).toMatchObject({
      kind: 'MISMATCH',
      field: 'socialInsuranceNumber',
      sourceValue: '079190123457',
      trueValue: ID,
    });
    expect(m.findings).toBeNull();
    expect(numberFinding(ref, { maSoBhxh: '12345' }, BHXH, m)).toBeNull();
    expect(m.findings).toEqual([
      expect.objectContaining({ kind: 'MALFORMED', field: 'maSoBhxh', sourceValue: 'BAD_FORMAT' }),
    ]);
  });

  it('a case shows both sides labelled, under the API field SOCIAL_INSURANCE_NUMBER', () => {
    expect(identityFieldName('socialInsuranceNumber')).toBe('SOCIAL_INSURANCE_NUMBER');
    expect(
      caseComparison({ kind: 'MISMATCH', field: 'socialInsuranceNumber', sourceValue: '079190123457', trueValue: ID }),
    ).toEqual({
      field: 'socialInsuranceNumber',
      population: { raw: ID, normalised: ID, key: null },
      source: { raw: '079190123457', normalised: '079190123457', key: null },
      formOnly: false,
    });
  });
});
