/**
 * The deterministic mock-data generator: seeded PRNG, Vietnamese names, today's
 * and pre-2025 administrative areas, health and employer reference data, people
 * and households, and the generator core with defect injection.
 */
export * from './prng';
export * from './dates';
export * from './text';
export * from './names';
export * from './areas';
export * from './health';
export * from './employers';
export * from './model';
export * from './people';
export * from './places';
export * from './composition';
export * from './cards';
export * from './household';
export * from './foreigners';
export * from './accounts';
export * from './source';
export * from './defects';
export * from './generate';
