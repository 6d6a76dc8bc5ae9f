/**
 * The accounts module as the server and the tools build it: the service (lifecycle,
 * commits, codes), the report writer, and the sweeps, over one store.
 */
import type { Logger } from 'pino';
import { mapCitizen } from '../../connectors/population/connector';
import { POPULATION_COLLECTION, POPULATION_DB, type CongDanDoc } from '../../connectors/population/model';
import type { AccessCaches } from '../access/access';
import type { HubConfig } from '../../hub/config';
import { ReportWriter } from './reports/writer';
import type { Store } from '../../store/connection';
import { DEFAULT_CALENDAR, loadCalendarFile } from './calendar';
import { HttpNotifier, LogNotifier, type Notifier } from './notifier';
import { AccountService } from './service';
import { Sweeps } from './sweeps';

export interface AccountsModule {
  service: AccountService;
  sweeps: Sweeps;
  reports: ReportWriter;
}

export function createAccountsModule(deps: {
  store: Store;
  caches: AccessCaches;
  logger: Logger;
  config: Pick<HubConfig, 'HUB_HOLIDAYS_FILE' | 'HUB_NOTIFIER_URL'>;
  notifier?: Notifier;
  now?: () => Date;
}): AccountsModule {
  const { store, logger } = deps;
  const calendar = deps.config.HUB_HOLIDAYS_FILE ? loadCalendarFile(deps.config.HUB_HOLIDAYS_FILE) : DEFAULT_CALENDAR;
  const notifier =
    deps.notifier ??
    (deps.config.HUB_NOTIFIER_URL ? new HttpNotifier(deps.config.HUB_NOTIFIER_URL) : new LogNotifier(logger));
  const reports = new ReportWriter(store);
  const population = store.db(POPULATION_DB).collection<CongDanDoc>(POPULATION_COLLECTION);
  const service = new AccountService({
    store,
    calendar,
    notifier,
    reports,
    caches: deps.caches,
    logger,
    now: deps.now,
    population: async (id) => {
      const doc = await population.findOne({ _id: id });
      return doc ? mapCitizen(doc) : null;
    },
  });
  const sweeps = new Sweeps({ store, service, reports, logger, now: deps.now });
  return { service, sweeps, reports };
}
