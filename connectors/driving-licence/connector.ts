import type { Db } from 'mongodb';
import type DataLoader from 'dataloader';
import { createSourceLoader, type RequestMetrics } from '../batch';
import { fromYmdCompact } from '../dates';
import { provenance, type ProvenanceRecord } from '../provenance';
import type { LookupStrategy } from '../../hub/store/connection';
import { DRIVING_LICENCE_COLLECTION, type GplxDoc } from './model';

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

export function createDrivingLicenceLoader(
  db: Db,
  strategy: LookupStrategy,
  metrics: RequestMetrics,
  timeoutMs: number,
): DataLoader<string, DrivingLicenceRecord | null> {
  return createSourceLoader({
    source: 'drivingLicence',
    collection: db.collection<GplxDoc>(DRIVING_LICENCE_COLLECTION),
    strategy,
    map: mapDrivingLicence,
    metrics,
    timeoutMs,
  });
}
