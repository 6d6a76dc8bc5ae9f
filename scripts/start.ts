// `npm start` / `npm run dev`: the hub (hub/main.ts) with demo data seeded into an empty store, and
// the citizen app at /app built first when its build is missing or stale (scripts/app-build.ts).
import { run } from '../hub/main';
import { seedDemo } from '../mockdata/demo';
import { ensureAppBuilt } from './app-build';

ensureAppBuilt({ quiet: true }).then(
  (built) => {
    if (built) process.stderr.write('citizen app built into app/dist (served at /app)\n');
    run({ loadSources: seedDemo });
  },
  (err: unknown) => {
    process.stderr.write(
      `citizen app not built (${err instanceof Error ? err.message : String(err)}); /app answers 503\n`,
    );
    run({ loadSources: seedDemo });
  },
);
