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
  lastUpdated: '2026-03-14T10:00:00+07:00',
};

describe('health-record connector mapping', () => {
  it('maps visits with ICD-10 diagnoses, normalising labels to NFC', () => {
    const r = mapHealthRecord(doc);
    expect(r.visits![0].diagnoses).toEqual([{ icd10: 'J06.9', name: 'Viêm đường hô hấp trên cấp'.normalize('NFC') }]);
    expect(r.chronicConditions).toEqual([{ icd10: 'E11', name: 'Đái tháo đường type 2', since: '2022-04-01' }]);
    expect(r.provenance).toEqual({ source: 'HEALTH_RECORD', updatedAtSource: new Date('2026-03-14T03:00:00Z') });
  });

  it('refuses an unreadable update time', () => {
    expect(() => mapHealthRecord({ ...doc, lastUpdated: 'yesterday' })).toThrow();
  });
});
