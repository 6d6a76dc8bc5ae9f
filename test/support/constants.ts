/** The shared test data set, seeded once by the global setup. */
export const TEST_PREFIX = 't_';
export const TEST_CITIZENS = 600;
export const TEST_SEED = 42;
