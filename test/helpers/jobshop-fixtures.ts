/** Test helper: reads the job-shop benchmark instances in test/fixtures/jobshop (JSPLIB layout). */
import { readFileSync } from 'node:fs';
import { type JobShopInstance, parseJobShop } from '../../src/analytics/planning/instance.js';

/** The text of a fixture, e.g. `jobShopFixtureText('ft06')`. */
export function jobShopFixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/jobshop/${name}`, import.meta.url), 'utf8');
}

/** A fixture parsed as an instance named after its file: 'ft06', 'ft10' or 'la01'. */
export function loadJobShopFixture(name: string): JobShopInstance {
  return parseJobShop(jobShopFixtureText(name), { name });
}
