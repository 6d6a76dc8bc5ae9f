/**
 * A foreigner's residence card (`theCuTru`) read by the reconciliation and by the population
 * connector: each unreadable field is one MALFORMED finding and a field the API answers with
 * SOURCE_DATA_INVALID, never a crash; the account rule treats such a card as no valid card.
 */
import { unreadableOf } from '../../../connectors/fields';
import { mapCitizen } from '../../../connectors/population/connector';
import type { CongDanDoc } from '../../../connectors/population/model';
import { REFERENCE_TODAY, generateAll } from '../../../mockdata/generator';
import { residenceCardValidOn } from '../../../services/accounts/id-card';
import { PopulationIndex } from '../../../services/reconciliation/population-index';

const data = generateAll({ citizens: 4000, seed: 3 });
const foreigner = data.population.find((d) => d.theCuTru && d.theCuTru.ngayHetHan > REFERENCE_TODAY)!;
const clone = (): CongDanDoc => structuredClone(foreigner);

function findings(doc: CongDanDoc): string[] {
  const index = new PopulationIndex({ today: REFERENCE_TODAY });
  return index.add(doc).map((f) => `${f.kind}:${f.field ?? ''}:${f.sourceValue ?? ''}`);
}

describe("a foreigner's residence card", () => {
  it('a clean generated card gives no finding and is valid today', () => {
    expect(foreigner).toBeDefined();
    expect(findings(clone())).toEqual([]);
    expect(residenceCardValidOn(mapCitizen(clone()), REFERENCE_TODAY)).toBe(true);
  });

  const BAD: Array<[string, (c: Record<string, unknown>) => void, string]> = [
    ['loai', (c) => (c.loai = 'VISA'), 'UNKNOWN_CODE'],
    ['so', (c) => (c.so = 12345), 'WRONG_TYPE'],
    ['ngayCap', (c) => delete c.ngayCap, 'MISSING'],
    ['ngayHetHan', (c) => (c.ngayHetHan = 'không thời hạn'), 'BAD_FORMAT'],
    ['ngayHetHan', (c) => (c.ngayHetHan = null), 'NULL'],
  ];
  it.each(BAD)('an unreadable %s: one MALFORMED finding, no valid card, the rest read', (field, spoil, problem) => {
    const doc = clone();
    spoil(doc.theCuTru as unknown as Record<string, unknown>);
    const f = findings(doc);
    expect(f).toEqual([`MALFORMED:theCuTru.${field}:${problem}`]);
    const c = mapCitizen(doc);
    expect(c.residenceCard).not.toBeNull();
    expect(c.fullName).toBe(foreigner.hoTen);
    expect(residenceCardValidOn(c, REFERENCE_TODAY)).toBe(false);
  });

  it('a card that is not an object: MALFORMED on theCuTru; the connector marks it unreadable', () => {
    const doc = clone();
    (doc as unknown as Record<string, unknown>).theCuTru = 'TR1234567';
    expect(findings(doc)).toEqual(['MALFORMED:theCuTru:WRONG_TYPE']);
    const c = mapCitizen(doc);
    expect(c.residenceCard).toBeNull();
    expect(unreadableOf(c, 'residenceCard')).toBeDefined();
    expect(residenceCardValidOn(c, REFERENCE_TODAY)).toBe(false);
  });
});
