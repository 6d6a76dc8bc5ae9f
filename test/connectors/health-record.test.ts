import { unreadableOf } from '../../connectors/fields';
import { badCases, expectUnreadable } from '../support/bad-fields';
import { mapHealthRecord } from '../../connectors/health-record/connector';
import type { HealthBookDoc } from '../../connectors/health-record/model';

const doc: HealthBookDoc = {
  _id: '001095012345',
  patient: { name: 'Nguyễn Thị Thúy', birthDate: '1995-03-05', gender: 'female' },
  bloodType: 'O+',
  allergies: ['Penicillin'],
  chronicConditions: [{ code: 'E11', display: 'Đái tháo đường type 2', since: '2022-04-01' }],
  encounters: [
    {
      date: '2026-03-14',
      facility: { code: '01001', name: 'Bệnh viện Bạch Mai' },
      diagnoses: [{ code: 'J06.9', display: 'Viêm đường hô hấp trên cấp'.normalize('NFD') }],
      treatment: 'Điều trị ngoại trú',
    },
  ],
  immunizations: [{ vaccine: 'COVID-19 (Pfizer)', date: '2021-09-01', dose: 1 }],
  episodes: [
    {
      kind: 'inpatient',
      start: '2026-02-02',
      end: '2026-02-08',
      facility: { code: '01001', name: 'Bệnh viện Bạch Mai' },
      diagnoses: [{ code: 'J18.9', display: 'Viêm phổi' }],
      outcome: 'recovered',
      summary: 'Nhập viện điều trị nội trú 7 ngày',
    },
    {
      kind: 'outpatient',
      start: '2026-10-20',
      end: null,
      facility: { code: '01002', name: 'Trạm y tế phường' },
      diagnoses: [{ code: 'E11', display: 'Đái tháo đường type 2' }],
      outcome: null,
      summary: 'Tái khám định kỳ, cấp thuốc 30 ngày',
    },
  ],
  lastUpdated: '2026-03-14T10:00:00+07:00',
};

describe('health-record connector mapping', () => {
  it('maps visits with ICD-10 diagnoses, normalising labels to NFC', () => {
    const r = mapHealthRecord(doc);
    expect(r.visits![0].diagnoses).toEqual([{ icd10: 'J06.9', name: 'Viêm đường hô hấp trên cấp'.normalize('NFC') }]);
    expect(r.chronicConditions).toEqual([{ icd10: 'E11', name: 'Đái tháo đường type 2', since: '2022-04-01' }]);
    expect(r.provenance).toEqual({ source: 'HEALTH_RECORD', updatedAtSource: new Date('2026-03-14T03:00:00Z') });
  });

  it('maps treatment episodes: kind and outcome codes, an ongoing one with no end and no outcome', () => {
    expect(mapHealthRecord(doc).treatmentEpisodes).toEqual([
      {
        kind: 'INPATIENT',
        start: '2026-02-02',
        end: '2026-02-08',
        facility: { code: '01001', name: 'Bệnh viện Bạch Mai' },
        diagnoses: [{ icd10: 'J18.9', name: 'Viêm phổi' }],
        outcome: 'RECOVERED',
        treatment: 'Nhập viện điều trị nội trú 7 ngày',
      },
      {
        kind: 'OUTPATIENT',
        start: '2026-10-20',
        end: null,
        facility: { code: '01002', name: 'Trạm y tế phường' },
        diagnoses: [{ icd10: 'E11', name: 'Đái tháo đường type 2' }],
        outcome: null,
        treatment: 'Tái khám định kỳ, cấp thuốc 30 ngày',
      },
    ]);
    expect(mapHealthRecord(doc).vaccinations).toEqual([{ vaccine: 'COVID-19 (Pfizer)', date: '2021-09-01', dose: 1 }]);
  });

  it('a book written before episodes existed has none recorded (null), not an error', () => {
    const r = mapHealthRecord({ ...doc, episodes: undefined });
    expect(r.treatmentEpisodes).toBeNull();
    expect(unreadableOf(r, 'treatmentEpisodes')).toBeUndefined();
  });

  it('an episode entry that is not a sub-document makes the list unreadable (a list with a hole would read as complete)', () => {
    const r = mapHealthRecord({ ...doc, episodes: [doc.episodes![0], 'x' as never] });
    expect(r.treatmentEpisodes).toBeNull();
    expect(unreadableOf(r, 'treatmentEpisodes')).toEqual({
      source: 'healthRecord',
      field: 'episodes.1',
      problem: 'WRONG_TYPE',
    });
  });

  it('marks an unreadable update time, and reads the rest', () => {
    const r = mapHealthRecord({ ...doc, lastUpdated: 'yesterday' });
    expect(r.provenance.updatedAtSource).toBeNull();
    expect(unreadableOf(r.provenance, 'updatedAtSource')).toEqual({
      source: 'healthRecord',
      field: 'lastUpdated',
      problem: 'BAD_FORMAT',
    });
    expect(r.allergies).toEqual(['Penicillin']);
  });
});

describe('healthRecord: a bad field is null and marked unreadable, the rest read', () => {
  it.each(badCases('healthRecord'))('%s', (_label, f, problem, value) => {
    expectUnreadable(mapHealthRecord, doc, f, problem, value, 'healthRecord');
  });

  it('throws only for a record that is not an object or whose _id cannot be read', () => {
    expect(() => mapHealthRecord(null as never)).toThrow();
    expect(() => mapHealthRecord('x' as never)).toThrow();
    expect(() => mapHealthRecord({ ...doc, _id: null } as never)).toThrow();
    expect(() => mapHealthRecord({ ...doc, _id: 'a\u0000b' })).toThrow();
  });
});
