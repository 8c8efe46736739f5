/**
 * The demo's forming process on press 1 (src/adapters/simulator/demo-process.ts) wired into a platform: its tags,
 * a day of history through the ingest pipeline, then live, with a setpoint writer so an approved
 * `setpoints.write` changes the simulated process.
 */
import {
  DEMO_PROCESS_ASSET,
  DemoFormingProcess,
  demoProcessTags,
} from '../adapters/simulator/demo-process.js';
import type { App } from '../app/registry.js';
import type { SetpointWriter } from '../app/process/setpoint-writer.js';
import { type Clock, type Principal, tagPath } from '../domain/index.js';

/** History the demo process starts with: enough setpoint changes (every 20–60 min) to fit a surrogate on. */
export const DEMO_PROCESS_HISTORY_HOURS = 24;
const CHUNK = 50_000;

/** Creates the forming process's tags on press 1 where missing (the asset comes with the demo plant). */
export async function setupDemoProcess(app: App, principal: Principal): Promise<void> {
  for (const tag of demoProcessTags()) {
    if (!app.services.tags.byPath(tagPath(tag.asset, tag.name)))
      await app.call('tags.create', tag, principal);
  }
}

/** The process as a setpoint writer. */
export function demoProcessWriter(process: DemoFormingProcess): SetpointWriter {
  return {
    name: 'demo forming process (press 1)',
    handles: (path) => process.writableTags.includes(path),
    write: (path, value) => {
      process.write(path, value);
      return Promise.resolve();
    },
  };
}

/** Feeds the process's samples up to `to` through the ingest pipeline. */
export async function feedDemoProcess(app: App, process: DemoFormingProcess, to: number): Promise<void> {
  const step = 3_600_000;
  for (let t = process.ts; t < to; t = Math.min(to, t + step)) {
    const samples = process.advanceTo(Math.min(to, t + step));
    for (let i = 0; i < samples.length; i += CHUNK)
      await app.services.ingest.ingestSamples(samples.slice(i, i + CHUNK), 'demo');
  }
}

/**
 * Starts the demo process: continues after its stored history (or generates `DEMO_PROCESS_HISTORY_HOURS` of it),
 * registers its setpoint writer, and runs it live every `intervalMs`.
 */
export async function startDemoProcess(options: {
  readonly app: App;
  readonly seed: number;
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly onError: (error: unknown) => void;
}): Promise<AsyncDisposable> {
  const { app, clock } = options;
  const now = clock.now();
  const ids = demoProcessTags().flatMap((t) => app.services.tags.byPath(tagPath(t.asset, t.name))?.id ?? []);
  const newest = Math.max(0, ...(await app.services.store.latest(ids)).map((s) => s.ts));
  const from = Math.max(now - DEMO_PROCESS_HISTORY_HOURS * 3_600_000, newest + 1000);
  const process = new DemoFormingProcess({ seed: options.seed, startTs: from });
  await feedDemoProcess(app, process, now);
  const registration = app.services.setpoints?.register(demoProcessWriter(process));
  const timer = setInterval(() => {
    const samples = process.advanceTo(clock.now());
    if (samples.length > 0) app.services.ingest.ingestSamples(samples, 'demo').catch(options.onError);
  }, options.intervalMs);
  return {
    [Symbol.asyncDispose]() {
      clearInterval(timer);
      registration?.[Symbol.dispose]();
      return Promise.resolve();
    },
  };
}

export { DEMO_PROCESS_ASSET };
