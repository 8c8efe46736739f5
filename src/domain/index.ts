/** The plant model: pure types, zod schemas, errors and ports. */
export * from './asset.js';
export * from './audit.js';
export * from './connection.js';
export * from './dead-letter.js';
export * from './errors.js';
export * from './event.js';
export * from './ports.js';
export * from './sample.js';
export * from './security.js';
export * from './tag.js';
export * from './time.js';
export * from './inspection.js';
export * from './spc.js';
export * from './work-order.js';
export * from './production.js';
export * from './model.js';
export * from './embedder.js';
