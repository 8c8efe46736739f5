/** The demo plant simulator: plant definition, seeded simulator, backfill, and the MQTT publisher. */
export * from './demo-plant.js';
export * from './mqtt-publisher.js';
export * from './prng.js';
export * from './simulator.js';
