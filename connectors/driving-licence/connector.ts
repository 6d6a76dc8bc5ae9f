import { FieldReader, recordOf } from '../fields';
import { CODE_MAX } from '../identity';
import { provenance, type ProvenanceRecord } from '../provenance';
import { type GplxDoc } from './model';

/**
 * The hub's reading of a driving licence; the mapper type behind `DrivingLicence`. Null where
 * the source's value cannot be read (connectors/fields.ts; the API answers SOURCE_DATA_INVALID).
 */
export interface DrivingLicenceRecord {
  number: string | null;
  issuedBy: string | null;
  issuedOn: string | null;
  status: 'ACTIVE' | 'SUSPENDED' | 'REVOKED' | null;
  points: number | null;
  classes: DrivingLicenceClassRecord[] | null;
  holderName: string | null;
  provenance: ProvenanceRecord;
}

export interface DrivingLicenceClassRecord {
  code: string | null;
  issuedOn: string | null;
  expiresOn: string | null;
}

const STATUS = { ACTIVE: 'ACTIVE', SUSPENDED: 'SUSPENDED', REVOKED: 'REVOKED' } as const;
const r = new FieldReader('drivingLicence');

/** Maps a licence record; a bad field is null and marked, never thrown (only a bad `_id` throws). */
export function mapDrivingLicence(doc: GplxDoc): DrivingLicenceRecord {
  const d = recordOf(doc);
  const prov = provenance('drivingLicence', null);
  prov.updatedAtSource = r.optInstant(prov, 'updatedAtSource', d.modified, 'modified');
  const o = { provenance: prov } as DrivingLicenceRecord;
  o.number = r.text(o, 'number', d.licenceNo, 'licenceNo', CODE_MAX);
  o.issuedBy = r.text(o, 'issuedBy', d.issuer, 'issuer');
  o.issuedOn = r.date(o, 'issuedOn', d.issued, 'issued');
  o.status = r.code(o, 'status', d.status, 'status', STATUS);
  o.points = r.number(o, 'points', d.points, 'points', 0, 12);
  o.classes = r.list(o, 'classes', d.classes, 'classes', (c, i) => {
    const x = {} as DrivingLicenceClassRecord;
    x.code = r.text(x, 'code', c.code, `classes.${i}.code`, CODE_MAX);
    x.issuedOn = r.date(x, 'issuedOn', c.issued, `classes.${i}.issued`);
    x.expiresOn = r.optDate(x, 'expiresOn', c.expires, `classes.${i}.expires`);
    r.same(x, 'expired', x, 'expiresOn');
    return x;
  });
  o.holderName = r.object(o, 'holderName', d.holder, 'holder', (h) => r.text(o, 'holderName', h.name, 'holder.name'));
  return o;
}
