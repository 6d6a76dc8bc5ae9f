import { fromYmdCompact } from '../dates';
import { provenance, type ProvenanceRecord } from '../provenance';
import { type GplxDoc } from './model';

/** The hub's reading of a driving licence; the mapper type behind `DrivingLicence`. */
export interface DrivingLicenceRecord {
  number: string;
  issuedBy: string;
  issuedOn: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'REVOKED';
  points: number;
  classes: Array<{ code: string; issuedOn: string; expiresOn: string | null }>;
  holderName: string;
  provenance: ProvenanceRecord;
}

export function mapDrivingLicence(d: GplxDoc): DrivingLicenceRecord {
  return {
    number: d.licenceNo,
    issuedBy: d.issuer.normalize('NFC'),
    issuedOn: fromYmdCompact(d.issued),
    status: d.status,
    points: d.points,
    classes: d.classes.map((c) => ({
      code: c.code,
      issuedOn: fromYmdCompact(c.issued),
      expiresOn: c.expires ? fromYmdCompact(c.expires) : null,
    })),
    holderName: d.holder.name.normalize('NFC'),
    provenance: provenance('drivingLicence', d.modified ?? null),
  };
}
