// `npm start` / `npm run dev`: the hub (hub/main.ts) with demo data seeded into an empty store.
import { run } from '../hub/main';
import { seedDemo } from '../mockdata/demo';

run({ loadSources: seedDemo });
