/** The shared test data set, seeded once by the global setup. */
export const TEST_PREFIX = 't_';
export const TEST_CITIZENS = 600;
export const TEST_SEED = 42;
/**
 * The shared data set's defect rates over the generator's defaults: no MALFORMED records (the
 * tests pick citizens by their records; unreadable fields have their own tests,
 * test/hub/unreadable-fields.test.ts and test/connectors/*). The demo seed has some.
 */
export const TEST_RATES = { MALFORMED: 0 } as const;
