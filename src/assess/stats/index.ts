/**
 * Pure statistics of the assess stage: confidence intervals, benchmark comparison, SPC and forecasts.
 * No I/O and no dependencies, so every function can be tested against published reference values.
 */
export * from './distributions.js';
export * from './confidence.js';
export * from './compare.js';
export * from './spc.js';
export * from './forecast.js';
