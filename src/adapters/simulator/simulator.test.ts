import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  Asset,
  EventInput,
  MACHINE_STATES,
  type MachineState,
  Sample,
  TagInput,
  TagPath,
  isValidChildLevel,
  parentPath,
  tagPath,
} from '../../domain/index.js';
import { DEMO_MACHINES, STATE_CODES, demoAssets, demoTags } from './demo-plant.js';
import { Prng } from './prng.js';
import { type Disturbance, PlantSimulator, type SimOutput, backfill } from './simulator.js';

const START = Date.parse('2026-01-05T06:00:00Z');
const HOUR_STEPS = 3600;

function run(sim: PlantSimulator, steps: number): SimOutput[] {
  const out: SimOutput[] = [];
  for (let i = 0; i < steps; i++) out.push(sim.step(sim.nextTs));
  return out;
}

function digest(outputs: SimOutput[]): string {
  const h = createHash('sha256');
  for (const o of outputs) h.update(JSON.stringify(o));
  return h.digest('hex');
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

// One long seeded run shared by the statistical tests (12 h of plant time, ~2 M samples, well under a second).
const LONG_SEED = 7;
const long = (() => {
  const sim = new PlantSimulator({ seed: LONG_SEED, startTs: START });
  const outputs = run(sim, 12 * HOUR_STEPS);
  const byTag = new Map<string, Sample[]>();
  for (const o of outputs) {
    for (const s of o.samples) {
      let list = byTag.get(s.tag);
      if (!list) byTag.set(s.tag, (list = []));
      list.push(s);
    }
  }
  return { sim, outputs, byTag, events: outputs.flatMap((o) => o.events) };
})();
const series = (tag: string): Sample[] => long.byTag.get(tag) ?? [];

describe('Prng (xoshiro128**)', () => {
  it('matches the reference implementation', () => {
    // Known answers of the reference C code (prng.di.unimi.it/xoshiro128starstar.c) for state {1, 2, 3, 4}.
    const p = Prng.fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => p.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492,
    ]);
    // And for a random state, as published with the 6502 port's test data (edorfaus/xoshiro-6502).
    const q = Prng.fromState([0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0]);
    expect(Array.from({ length: 4 }, () => q.nextUint32())).toEqual([
      0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70,
    ]);
  });

  it('draws normals and exponentials with the right moments', () => {
    const p = new Prng(123);
    const n = 200_000;
    const z = Array.from({ length: n }, () => p.normal(10, 2));
    const m = mean(z);
    const sd = Math.sqrt(mean(z.map((x) => (x - m) ** 2)));
    expect(m).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
    const e = Array.from({ length: n }, () => p.exponential(5));
    expect(mean(e)).toBeCloseTo(5, 1);
    expect(Math.min(...e)).toBeGreaterThanOrEqual(0);
  });
});

describe('demo plant', () => {
  const assets = demoAssets();
  const tags = demoTags();

  it('has ~50 tags on about ten machines', () => {
    const machines = assets.filter((a) => a.level === 'equipment');
    expect(machines.length).toBeGreaterThanOrEqual(8);
    expect(machines.length).toBeLessThanOrEqual(14);
    expect(tags.length).toBeGreaterThanOrEqual(40);
    expect(tags.length).toBeLessThanOrEqual(60);
  });

  it('is a valid ISA-95 tree: schema-valid paths, parents first, deeper levels below', () => {
    const byPath = new Map(assets.map((a) => [a.path, a]));
    expect(byPath.size).toBe(assets.length);
    assets.forEach((a, i) => {
      expect(Asset.safeParse(a).success, a.path).toBe(true);
      const parent = parentPath(a.path);
      if (parent === undefined) {
        expect(a.level).toBe('enterprise');
        return;
      }
      const p = byPath.get(parent);
      expect(p, `parent of ${a.path}`).toBeDefined();
      expect(assets.indexOf(p as Asset)).toBeLessThan(i);
      expect(isValidChildLevel((p as Asset).level, a.level)).toBe(true);
    });
    expect(byPath.get('acme/plant1/stamping/line1')?.level).toBe('line');
    expect(byPath.get('acme/plant1/machining/cnc-cell1')?.level).toBe('cell');
    expect(byPath.get('acme/plant1/stamping/line1/press3')?.level).toBe('equipment');
  });

  it('has schema-valid tags on equipment, with spec limits on dimensions and state maps on states', () => {
    const equipment = new Set(assets.filter((a) => a.level === 'equipment').map((a) => a.path));
    const paths = new Set<string>();
    for (const t of tags) {
      const parsed = TagInput.safeParse(t);
      expect(parsed.success, `${t.asset}/${t.name}: ${parsed.error?.message}`).toBe(true);
      expect(equipment.has(t.asset)).toBe(true);
      const path = tagPath(t.asset, t.name);
      expect(TagPath.safeParse(path).success).toBe(true);
      paths.add(path);
      if (t.unit === 'mm') {
        expect(t.spec?.lsl).toBeLessThan(t.spec?.target ?? Number.NaN);
        expect(t.spec?.target).toBeLessThan(t.spec?.usl ?? Number.NaN);
      }
      if (t.dataType === 'state') {
        const names = Object.values(t.states ?? {});
        expect(names).toContain('running');
        for (const n of names) expect(MACHINE_STATES).toContain(n);
      }
    }
    expect(paths.size).toBe(tags.length);
    expect(tags.filter((t) => t.dataType === 'state')).toHaveLength(equipment.size);
    expect(tags.filter((t) => t.name === 'power').length).toBeGreaterThanOrEqual(2);
  });
});

describe('PlantSimulator', () => {
  it('is deterministic: same seed and start give the same output, another seed does not', () => {
    const a = run(new PlantSimulator({ seed: 42, startTs: START }), HOUR_STEPS);
    const b = run(new PlantSimulator({ seed: 42, startTs: START }), HOUR_STEPS);
    const c = run(new PlantSimulator({ seed: 43, startTs: START }), HOUR_STEPS);
    expect(digest(a)).toBe(digest(b));
    expect(digest(a)).not.toBe(digest(c));
  });

  it('backfill yields the same steps as stepping one by one, in chunks', () => {
    const stepped = run(new PlantSimulator({ seed: 5, startTs: START }), 1000);
    const sim = new PlantSimulator({ seed: 5, startTs: START });
    const chunks = [...backfill(sim, START, START + 1000 * 1000, { stepsPerChunk: 300 })];
    expect(chunks.map((c) => c.length)).toEqual([300, 300, 300, 100]);
    expect(digest(chunks.flat())).toBe(digest(stepped));
    expect(sim.nextTs).toBe(START + 1000 * 1000);
    expect(() => [...backfill(sim, START, START + 5000)]).toThrow(/after the simulator's last step/);
  });

  it('rejects a step that does not move forward', () => {
    const sim = new PlantSimulator({ seed: 1, startTs: START });
    sim.step(START);
    expect(() => sim.step(START)).toThrow(/after the previous step/);
    expect(() => sim.step(START + 0.5)).toThrow(/integer/);
    expect(() => sim.step(START + 3000)).not.toThrow();
  });

  it('produces only schema-valid samples of known tags, every non-dimension tag every second', () => {
    const known = new Set(demoTags().map((t) => tagPath(t.asset, t.name)));
    const dimensionTags = new Set(
      DEMO_MACHINES.flatMap((m) => (m.dimension ? [tagPath(m.path, m.dimension.name)] : [])),
    );
    const problems: string[] = [];
    for (const o of long.outputs) {
      const perSecond = o.samples.filter((s) => !dimensionTags.has(s.tag)).length;
      if (perSecond !== known.size - dimensionTags.size) problems.push(`${o.ts}: ${perSecond} samples`);
      for (const s of o.samples) {
        if (!known.has(s.tag)) problems.push(`unknown tag ${s.tag}`);
        if (s.ts !== o.ts || !Number.isFinite(s.value)) problems.push(JSON.stringify(s));
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    // Full schema check on a slice (zod per sample is the slow part).
    for (const o of long.outputs.slice(0, 300)) for (const s of o.samples) Sample.parse(s);
  });

  it('emits schema-valid machine_state events, one per machine at the start and then on changes', () => {
    const first = long.outputs[0]?.events ?? [];
    expect(first.map((e) => e.asset).sort()).toEqual(DEMO_MACHINES.map((m) => m.path).sort());
    for (const e of long.events) {
      const parsed = EventInput.safeParse(e);
      expect(parsed.success, JSON.stringify(e)).toBe(true);
    }
    // The state tag agrees with the events: each event's state is the state sampled at its timestamp.
    const codeToState = new Map(Object.entries(STATE_CODES).map(([s, c]) => [c, s]));
    const reasons = new Set<string>();
    const stateAt = new Map(
      DEMO_MACHINES.map((m) => {
        const tag = tagPath(m.path, 'state');
        return [tag, new Map(series(tag).map((s) => [s.ts, s.value]))];
      }),
    );
    for (const e of long.events) {
      if (e.kind !== 'machine_state') continue;
      if (e.reason !== undefined) reasons.add(e.reason);
      const sampled = stateAt.get(tagPath(e.asset, 'state'))?.get(e.ts as number);
      expect(codeToState.get(sampled ?? -1)).toBe(e.state);
    }
    for (const r of ['material_shortage', 'tool_change', 'die_change', 'bearing_overheat']) {
      expect(reasons, r).toContain(r);
    }
  });

  it('keeps cycle counters integer and monotonic, counting only while running', () => {
    const counters = DEMO_MACHINES.filter((m) => m.cycleTimeS !== undefined);
    expect(counters.length).toBeGreaterThanOrEqual(8);
    for (const m of counters) {
      const counts = series(tagPath(m.path, 'cycle_count'));
      const states = series(tagPath(m.path, 'state'));
      expect(counts).toHaveLength(states.length);
      const problems: string[] = [];
      for (let i = 1; i < counts.length; i++) {
        const prev = counts[i - 1]?.value ?? Number.NaN;
        const cur = counts[i]?.value ?? Number.NaN;
        if (!Number.isInteger(cur) || (cur - prev !== 0 && cur - prev !== 1))
          problems.push(`${i}: ${prev} → ${cur}`);
        if (cur > prev && states[i]?.value !== STATE_CODES.running)
          problems.push(`${i}: counted while not running`);
      }
      expect(problems.slice(0, 5), m.path).toEqual([]);
      const total = (counts.at(-1)?.value ?? 0) - (counts[0]?.value ?? 0);
      // Roughly 12 h / cycle time, less the stops: at least half the nominal output.
      expect(total).toBeGreaterThan((0.5 * 12 * 3600) / (m.cycleTimeS ?? 1));
    }
  });

  it('samples part dimensions once per finished part', () => {
    for (const m of DEMO_MACHINES) {
      if (!m.dimension) continue;
      const dims = series(tagPath(m.path, m.dimension.name));
      const counts = series(tagPath(m.path, 'cycle_count'));
      const increments = counts.filter((c, i) => i > 0 && c.value > (counts[i - 1]?.value ?? Infinity));
      expect(dims.map((d) => d.ts)).toEqual(increments.map((c) => c.ts));
      const inSpec = dims.filter(
        (d) => d.value >= (m.dimension?.lsl ?? 0) && d.value <= (m.dimension?.usl ?? 0),
      );
      expect(inSpec.length / dims.length).toBeGreaterThan(0.99);
    }
  });

  it('develops a bearing fault on press 3: vibration and temperature rise, then down with bearing_overheat', () => {
    const press3 = 'acme/plant1/stamping/line1/press3';
    const trip = long.events.find(
      (e) => e.kind === 'machine_state' && e.asset === press3 && e.reason === 'bearing_overheat',
    );
    expect(trip).toBeDefined();
    const tripTs = trip?.ts as number;
    const fault = long.sim.disturbances.find(
      (d): d is Extract<Disturbance, { kind: 'bearing_fault' }> => d.kind === 'bearing_fault',
    );
    expect(fault?.tripTs).toBe(tripTs);
    const onset = fault?.startTs ?? 0;
    expect(tripTs - onset).toBeGreaterThan(20 * 60_000); // tens of minutes of warning

    const states = new Map(series(tagPath(press3, 'state')).map((s) => [s.ts, s.value]));
    const running = (s: Sample): boolean => states.get(s.ts) === STATE_CODES.running && s.quality === 'good';
    const vib = series(tagPath(press3, 'vibration_rms')).filter(running);
    const baseline = median(vib.filter((s) => s.ts < onset).map((s) => s.value));
    expect(baseline).toBeGreaterThan(1.5);
    expect(baseline).toBeLessThan(3);
    const lastMinutes = vib.filter((s) => s.ts < tripTs && s.ts >= tripTs - 5 * 60_000).map((s) => s.value);
    expect(median(lastMinutes)).toBeGreaterThan(2.5 * baseline);
    // Roughly exponential: the excess quadruples or more over the last 20 minutes of the fault.
    const excessAt = (from: number, to: number): number =>
      median(vib.filter((s) => s.ts >= from && s.ts < to).map((s) => s.value)) - baseline;
    expect(excessAt(tripTs - 5 * 60_000, tripTs)).toBeGreaterThan(
      4 * excessAt(tripTs - 25 * 60_000, tripTs - 20 * 60_000),
    );
    const temp = series(tagPath(press3, 'motor_temp')).filter(running);
    const warmTemp = median(
      temp.filter((s) => s.ts < onset && s.ts > onset - 5 * 60_000).map((s) => s.value),
    );
    const tempAtTrip = median(
      temp.filter((s) => s.ts < tripTs && s.ts >= tripTs - 60_000).map((s) => s.value),
    );
    expect(tempAtTrip - warmTemp).toBeGreaterThan(4);
    // After the repair the press runs again at baseline vibration.
    const after = vib.filter((s) => s.ts > (fault?.endTs ?? Infinity) + 5 * 60_000).slice(0, 600);
    expect(after.length).toBeGreaterThan(0);
    expect(median(after.map((s) => s.value))).toBeLessThan(1.3 * baseline);
  });

  it('shifts part-dimension means by about 1.5 sigma during a mean-shift disturbance', () => {
    const shifts = long.sim.disturbances.filter(
      (d): d is Extract<Disturbance, { kind: 'mean_shift' }> =>
        d.kind === 'mean_shift' && d.tag.includes('/stamping/') && d.endTs !== undefined,
    );
    expect(shifts.length).toBeGreaterThanOrEqual(4);
    const effects: number[] = [];
    for (const shift of shifts) {
      const def = DEMO_MACHINES.find((m) => shift.tag.startsWith(`${m.path}/`))?.dimension;
      const values = series(shift.tag).filter((s) => s.quality === 'good');
      const before = values.filter((s) => s.ts < shift.startTs && s.ts >= shift.startTs - 10 * 60_000);
      const during = values.filter((s) => s.ts >= shift.startTs && s.ts < (shift.endTs ?? 0));
      if (before.length < 20 || during.length < 20) continue; // the press stood still around the shift
      const diff = mean(during.map((s) => s.value)) - mean(before.map((s) => s.value));
      effects.push((Math.sign(shift.sigmas) * diff) / (def?.sigma ?? Number.NaN));
    }
    expect(effects.length).toBeGreaterThanOrEqual(4);
    const avg = mean(effects);
    expect(avg).toBeGreaterThan(1.0);
    expect(avg).toBeLessThan(2.0);
    // Without a shift, two adjacent 10-minute windows differ far less.
    const calm = series('acme/plant1/stamping/line1/press1/flange_height').filter(
      (s) => s.quality === 'good',
    );
    const covered = (ts: number): boolean =>
      long.sim.disturbances.some(
        (d) =>
          d.kind === 'mean_shift' &&
          d.tag.includes('press1') &&
          ts >= d.startTs - 600_000 &&
          ts < (d.endTs ?? Infinity),
      );
    const t0 = calm.find(
      (s) => s.ts > START + 3 * 3600_000 && !covered(s.ts) && !covered(s.ts + 1_200_000),
    )?.ts;
    expect(t0).toBeDefined();
    const w1 = calm.filter((s) => s.ts >= (t0 ?? 0) && s.ts < (t0 ?? 0) + 600_000).map((s) => s.value);
    const w2 = calm
      .filter((s) => s.ts >= (t0 ?? 0) + 600_000 && s.ts < (t0 ?? 0) + 1_200_000)
      .map((s) => s.value);
    expect(Math.abs(mean(w2) - mean(w1)) / 0.035).toBeLessThan(0.7);
  });

  it('drifts mill bore diameters with tool wear and resets them at each tool change', () => {
    const mill1 = 'acme/plant1/machining/cnc-cell1/mill1';
    const bores = series(tagPath(mill1, 'bore_diameter')).filter((s) => s.quality === 'good');
    const changes = long.events.filter(
      (e) => e.kind === 'machine_state' && e.asset === mill1 && e.reason === 'tool_change',
    );
    expect(changes.length).toBeGreaterThanOrEqual(2);
    const [c1, c2] = changes.map((e) => e.ts as number);
    const tool = bores.filter((s) => s.ts > (c1 ?? 0) && s.ts < (c2 ?? 0)).map((s) => s.value);
    expect(tool.length).toBeGreaterThan(100);
    const head = mean(tool.slice(0, 20));
    const tail = mean(tool.slice(-20));
    expect(head - tail).toBeGreaterThan(0.012); // ~150 parts × 0.15 µm
  });

  it('warms up from ambient temperature', () => {
    const oil = series('acme/plant1/stamping/line1/press1/oil_temp');
    expect(oil[0]?.value).toBeLessThan(26);
    expect(median(oil.slice(3600, 4200).map((s) => s.value))).toBeGreaterThan(40);
  });

  it('reports sensor dropouts as bad samples holding the last value, and uncertain ones', () => {
    const all = long.outputs.flatMap((o) => o.samples);
    const bad = all.filter((s) => s.quality === 'bad');
    const uncertain = all.filter((s) => s.quality === 'uncertain');
    expect(bad.length).toBeGreaterThan(0);
    expect(uncertain.length).toBeGreaterThan(0);
    const dropouts = long.sim.disturbances.filter((d) => d.kind === 'sensor_dropout' && d.quality === 'bad');
    expect(dropouts.length).toBeGreaterThan(0);
    for (const d of dropouts.slice(0, 10)) {
      const during = series((d as { tag: string }).tag).filter(
        (s) => s.ts >= d.startTs && s.ts < (d.endTs ?? 0),
      );
      expect(during.every((s) => s.quality === 'bad')).toBe(true);
      expect(new Set(during.map((s) => s.value)).size).toBe(1);
    }
  });

  it('uses only machine states of the domain model', () => {
    const seen = new Set<MachineState>();
    for (const e of long.events) if (e.kind === 'machine_state') seen.add(e.state);
    for (const s of seen) expect(MACHINE_STATES).toContain(s);
    expect(seen).toContain('running');
    expect(seen).toContain('idle');
    expect(seen).toContain('setup');
    expect(seen).toContain('down');
  });
});
