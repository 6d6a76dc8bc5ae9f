/**
 * Demo data for `npm start` (scripts/start.ts): HUB_DEMO_CITIZENS citizens (seed
 * HUB_DEMO_SEED, a small share of unreadable records) into a store whose sources are empty, and
 * the demo clients (demo-clients.ts) a citizen can consent to in the app.
 */
import type { Logger } from 'pino';
import type { HubConfig } from '../hub/config';
import type { Store } from '../store/connection';
import { DEMO_MALFORMED_RATE } from './generator/defects';
import { seed } from './seed';
import { registerDemoClients } from './demo-clients';

export async function seedDemo(store: Store, config: HubConfig, logger: Logger): Promise<void> {
  if (config.HUB_DEMO_CITIZENS <= 0) return;
  logger.info({ citizens: config.HUB_DEMO_CITIZENS, seed: config.HUB_DEMO_SEED }, 'seeding demo data');
  const manifest = await seed(store, {
    citizens: config.HUB_DEMO_CITIZENS,
    seed: config.HUB_DEMO_SEED,
    rates: { MALFORMED: DEMO_MALFORMED_RATE },
    log: (msg) => logger.info(msg),
  });
  logger.info({ citizens: manifest.citizens, counts: manifest.counts }, 'demo data seeded');
  const clients = await registerDemoClients(store);
  logger.info({ clients }, "demo clients registered (for the citizen app's consents)");
}
