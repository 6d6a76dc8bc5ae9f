/**
 * The generator's foreigners (mockdata/generator/foreigners.ts): their share, residence cards
 * (kinds, expired ones, children without one), records consistent within the family, and accounts
 * only for those 14+ with a valid card, whose deadlines follow Decree 69/2024 Art. 13.
 */
import { mapCitizen } from '../../connectors/population/connector';
import type { CongDanDoc } from '../../connectors/population/model';
import { residenceCardValidOn } from '../../services/accounts/id-card';
import { isCitizen } from '../../services/accounts/lifecycle/eligibility';
import { DEFAULT_CALENDAR, addWorkingDays } from '../../services/accounts/calendar';
import { REFERENCE_TODAY, generateAll } from '../../mockdata/generator';

const CITIZENS = 30_000;
const data = generateAll({ citizens: CITIZENS, seed: 20261205 });
const foreign = data.population.filter((d) => !isCitizen(d.quocTich));
const age = (d: CongDanDoc) => {
  const [y, m, dd] = d.ngaySinh.split('-').map(Number);
  const [ty, tm, td] = REFERENCE_TODAY.split('-').map(Number);
  return ty - y - (tm < m || (tm === m && td < dd) ? 1 : 0);
};

describe('foreigners in the generated population', () => {
  it('are a small share (0.3 % to 1.2 % of records), of several nationalities', () => {
    const share = foreign.length / data.population.length;
    expect(share).toBeGreaterThan(0.003);
    expect(share).toBeLessThan(0.012);
    expect(new Set(foreign.map((d) => d.quocTich)).size).toBeGreaterThanOrEqual(3);
    // Citizens keep "Việt Nam" and never carry a residence card.
    expect(data.population.filter((d) => isCitizen(d.quocTich) && d.theCuTru)).toEqual([]);
  });

  it('have no Vietnamese identity card; most have a residence card, both kinds, some expired', () => {
    for (const d of foreign) {
      expect(d.theCanCuoc).toBeUndefined();
      expect(d.lichSuGiayTo).toEqual([]);
    }
    const cards = foreign.filter((d) => d.theCuTru).map((d) => d.theCuTru!);
    expect(cards.length / foreign.length).toBeGreaterThan(0.85);
    expect(cards.some((c) => c.loai === 'THUONG_TRU')).toBe(true);
    expect(cards.some((c) => c.loai === 'TAM_TRU')).toBe(true);
    const expired = cards.filter((c) => c.ngayHetHan < REFERENCE_TODAY).length / cards.length;
    expect(expired).toBeGreaterThan(0.04);
    expect(expired).toBeLessThan(0.25);
    for (const c of cards) {
      expect(c.ngayCap < c.ngayHetHan).toBe(true);
      expect(c.ngayCap <= REFERENCE_TODAY).toBe(true);
    }
    expect(new Set(cards.map((c) => c.so)).size).toBe(cards.length);
  });

  it('include children: 6 to under 14 and under 6, some of those under 6 without a card', () => {
    const children = foreign.filter((d) => age(d) < 14);
    expect(children.filter((d) => age(d) >= 6).length).toBeGreaterThan(0);
    const small = children.filter((d) => age(d) < 6);
    expect(small.length).toBeGreaterThan(0);
    // A DUPLICATE record (an older double registration) has no card, as for citizens.
    const dups = new Set(
      data.defects.filter((x) => x.source === 'population' && x.kind === 'DUPLICATE').map((x) => x.recordKey),
    );
    const without = foreign.filter((d) => !d.theCuTru && d.trangThai === 'CON_SONG' && !dups.has(d._id));
    expect(without.length).toBeGreaterThan(0);
    expect(without.every((d) => age(d) < 6)).toBe(true);
  });

  it('read through the connector with no unreadable field; names agree across the family records', () => {
    const byId = new Map(data.population.map((d) => [d._id, d]));
    for (const d of foreign) {
      const c = mapCitizen(d);
      expect(c.nationality).toBe(d.quocTich);
      if (d.theCuTru) {
        expect(c.residenceCard).toMatchObject({
          kind: d.theCuTru.loai === 'THUONG_TRU' ? 'PERMANENT' : 'TEMPORARY',
          expiresOn: d.theCuTru.ngayHetHan,
        });
        expect(residenceCardValidOn(c, REFERENCE_TODAY)).toBe(d.theCuTru.ngayHetHan >= REFERENCE_TODAY);
      } else expect(c.residenceCard).toBeNull();
      for (const m of d.hoGiaDinh.thanhVien) {
        const rec = byId.get(m.soDinhDanh);
        if (rec) expect(m.hoTen).toBe(rec.hoTen);
      }
    }
  });

  it('have accounts only when 14+ with a valid card, due in 1 (Level 1) or 3 (Level 2) working days', () => {
    const ids = new Map(foreign.map((d) => [d._id, d]));
    const accounts = data.accounts.filter((a) => ids.has(a._id));
    expect(accounts.length).toBeGreaterThan(0);
    for (const a of accounts) {
      const d = ids.get(a._id)!;
      expect(age(d)).toBeGreaterThanOrEqual(14);
      expect(d.theCuTru && d.theCuTru.ngayHetHan >= REFERENCE_TODAY).toBe(true);
      expect(a.hasChipCard).toBe(false);
      if (a.status === 'PENDING') {
        const reg = new Date(a.registeredAt.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
        const due = addWorkingDays(reg, a.history[0].level === 1 ? 1 : 3, DEFAULT_CALENDAR);
        expect(a.approvalDueAt?.toISOString()).toBe(new Date(`${due}T23:59:59.999+07:00`).toISOString());
      }
    }
  });
});
