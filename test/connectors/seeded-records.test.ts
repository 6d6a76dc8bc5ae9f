import { SOURCES, SOURCE_NAMES } from '../../connectors/registry';
import { mapCitizen } from '../../connectors/population/connector';
import { mapDrivingLicence } from '../../connectors/driving-licence/connector';
import { mapHealthInsurance } from '../../connectors/health-insurance/connector';
import { mapSocialInsurance } from '../../connectors/social-insurance/connector';
import { mapHealthRecord } from '../../connectors/health-record/connector';
import type { SourceName } from '../../hub/store/seed-meta';
import type { Store } from '../../hub/store/connection';
import { connectTestStore } from '../support/hub';

const MAPPERS: Record<SourceName, (d: never) => unknown> = {
  population: mapCitizen,
  drivingLicence: mapDrivingLicence,
  healthInsurance: mapHealthInsurance,
  socialInsurance: mapSocialInsurance,
  healthRecord: mapHealthRecord,
};

let store: Store;
beforeAll(async () => {
  store = await connectTestStore();
});
afterAll(() => store.close());

describe('every generated record is readable by its connector', () => {
  it.each(SOURCE_NAMES)('%s', async (source) => {
    const docs = await store.db(SOURCES[source].db).collection(SOURCES[source].collection).find({}).toArray();
    expect(docs.length).toBeGreaterThan(50);
    const failures: string[] = [];
    for (const d of docs) {
      try {
        MAPPERS[source](d as never);
      } catch (err) {
        failures.push(`${String(d._id)}: ${(err as Error).message}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
