import { badCases, expectUnreadable } from '../support/bad-fields';
import { mapDrivingLicence } from '../../connectors/driving-licence/connector';
import type { GplxDoc } from '../../connectors/driving-licence/model';

const doc: GplxDoc = {
  _id: '001095012345',
  holder: { name: 'NGUYỄN THỊ THÚY', birth: '19950305', gender: 'F', idNumber: '001095012345' },
  licenceNo: '010123456789',
  issuer: 'Sở GTVT Hà Nội',
  issued: '20150110',
  classes: [
    { code: 'A1', issued: '20150110', expires: null },
    { code: 'B2', issued: '20180301', expires: '20280301' },
  ],
  status: 'ACTIVE',
  points: 12,
  modified: new Date('2026-01-02T00:00:00Z'),
};

describe('driving-licence connector mapping', () => {
  it('converts YYYYMMDD dates, classes and status', () => {
    const r = mapDrivingLicence(doc);
    expect(r).toMatchObject({ number: '010123456789', issuedOn: '2015-01-10', status: 'ACTIVE', points: 12 });
    expect(r.classes).toEqual([
      { code: 'A1', issuedOn: '2015-01-10', expiresOn: null },
      { code: 'B2', issuedOn: '2018-03-01', expiresOn: '2028-03-01' },
    ]);
    expect(r.provenance).toEqual({ source: 'DRIVING_LICENCE', updatedAtSource: new Date('2026-01-02T00:00:00Z') });
  });

  it('reads a date in another agency form, and marks an impossible one unreadable', () => {
    expect(mapDrivingLicence({ ...doc, issued: '2015-01-10' }).issuedOn).toBe('2015-01-10');
    expect(mapDrivingLicence({ ...doc, issued: '20150230' }).issuedOn).toBeNull();
  });
});

describe('drivingLicence: a bad field is null and marked unreadable, the rest read', () => {
  it.each(badCases('drivingLicence'))('%s', (_label, f, problem, value) => {
    expectUnreadable(mapDrivingLicence, doc, f, problem, value, 'drivingLicence');
  });

  it('throws only for a record that is not an object or whose _id cannot be read', () => {
    expect(() => mapDrivingLicence(null as never)).toThrow();
    expect(() => mapDrivingLicence('x' as never)).toThrow();
    expect(() => mapDrivingLicence({ ...doc, _id: null } as never)).toThrow();
    expect(() => mapDrivingLicence({ ...doc, _id: 'a\u0000b' })).toThrow();
  });
});
