/**
 * The demo plant the simulator drives: enterprise `acme`, site `plant1`, a stamping line and a CNC cell.
 *
 * The machine table below is the single source of truth: `demoAssets()` and `demoTags()` are derived from it, and
 * the simulator reads the same table, so every simulated tag exists in the tag list and has its unit and limits.
 */
import type { Asset, MachineState, TagInput } from '../../domain/index.js';

export const DEMO_ENTERPRISE = 'acme';
export const DEMO_SITE = 'acme/plant1';

/** Integer code of each machine state on the `state` tags (the values published on the UNS). */
export const STATE_CODES: Readonly<Record<MachineState, number>> = {
  off: 0,
  running: 1,
  idle: 2,
  setup: 3,
  down: 4,
  planned_stop: 5,
};

/** The `states` map of a state tag: code → state name, e.g. {"0":"off","1":"running"}. */
export const STATE_TAG_STATES: Readonly<Record<string, MachineState>> = Object.fromEntries(
  Object.entries(STATE_CODES).map(([state, code]) => [String(code), state as MachineState]),
);

/** How a machine state drives its signals: producing, powered but not producing, or stopped. */
export type StateGroup = 'running' | 'idle' | 'stopped';

export function stateGroup(state: MachineState): StateGroup {
  if (state === 'running') return 'running';
  if (state === 'idle' || state === 'setup') return 'idle';
  return 'stopped';
}

/** Extra physics on top of a channel's set point, computed by the simulator. */
export type ChannelEffect =
  /** + the bearing-fault vibration excess (mm/s). */
  | 'bearing_vibration'
  /** + a temperature rise proportional to the bearing-fault vibration excess. */
  | 'bearing_temperature'
  /** The set point follows the machining cycle (approach, cut, retract) and rises with tool wear. */
  | 'cutting_load'
  /** The set point follows the spindle load of the same machine (a lathe's drive power). */
  | 'load_power';

/** A continuously sampled analog signal (1 Hz). */
export interface AnalogChannel {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  /** Set point per state group; the signal approaches it with a first-order lag. */
  readonly level: Readonly<Record<StateGroup, number>>;
  /** Time constant of the first-order lag in seconds (thermal masses are slow, pressures fast). */
  readonly tauS: number;
  /** Stationary standard deviation of the AR(1) noise while running (scaled down when idle or stopped). */
  readonly sigma: number;
  /** AR(1) coefficient per second; 0 is white noise, near 1 is slowly wandering. */
  readonly phi: number;
  /** Decimals the value is rounded to, like a real sensor's resolution. */
  readonly decimals: number;
  /** Start value of the lag (ambient for temperatures); the running set point when absent. */
  readonly initial?: number;
  readonly min?: number;
  readonly effect?: ChannelEffect;
}

/** A part dimension measured once per finished part. */
export interface DimensionChannel {
  readonly name: string;
  readonly description: string;
  readonly lsl: number;
  readonly target: number;
  readonly usl: number;
  /** Short-term (within-subgroup) standard deviation in mm. */
  readonly sigma: number;
  /** Mean drift per part from tool wear in mm (0 for presses). */
  readonly wearPerPart: number;
  /** Offset set right after a tool change, so the wear drift runs across the target. */
  readonly freshToolOffset: number;
  /** Sensitivity to the deviation of the oil temperature from 45 °C, in mm/°C (thermal growth of a press). */
  readonly thermalMmPerDegC: number;
  readonly decimals: number;
}

export type MachineType = 'press' | 'feeder' | 'mill' | 'lathe';

export interface MachineDefinition {
  readonly path: string;
  readonly name: string;
  readonly kind: string;
  readonly type: MachineType;
  /** Nominal cycle time in seconds; absent for machines without a part counter. */
  readonly cycleTimeS?: number;
  /**
   * Ideal (nameplate) cycle time in seconds: the rate the machine is rated for, faster than the nominal rate it is
   * simulated at (presses 0.9×, machining ~0.92×), so OEE shows a reduced-speed loss as a real plant's does.
   */
  readonly idealCycleTimeS?: number;
  readonly analog: readonly AnalogChannel[];
  readonly dimension?: DimensionChannel;
  /** Parts per tool before a `tool_change` (machining) — mean of a uniform ±20 % range. */
  readonly toolLifeParts?: number;
  /** Parts per die run before a `die_change` (presses) — mean of a uniform ±30 % range. */
  readonly dieRunParts?: number;
  /** This machine develops bearing faults (vibration rising, then `down` / `bearing_overheat`). */
  readonly bearingFaultProne?: boolean;
}

const LINE = 'acme/plant1/stamping/line1';
const CELL = 'acme/plant1/machining/cnc-cell1';

const pressAnalog = (withPower: boolean): AnalogChannel[] => [
  {
    name: 'oil_temp',
    unit: 'degC',
    description: 'Hydraulic oil temperature in the tank',
    level: { running: 48, idle: 44, stopped: 24 },
    tauS: 900,
    sigma: 0.25,
    phi: 0.98,
    decimals: 2,
    initial: 24,
  },
  {
    name: 'motor_temp',
    unit: 'degC',
    description: 'Main drive motor temperature at the drive-end bearing',
    level: { running: 62, idle: 45, stopped: 24 },
    tauS: 600,
    sigma: 0.3,
    phi: 0.97,
    decimals: 2,
    initial: 24,
    effect: 'bearing_temperature',
  },
  {
    name: 'hydraulic_pressure',
    unit: 'bar',
    description: 'Hydraulic system pressure',
    level: { running: 180, idle: 172, stopped: 0 },
    tauS: 5,
    sigma: 1.5,
    phi: 0.7,
    decimals: 1,
    min: 0,
  },
  {
    name: 'vibration_rms',
    unit: 'mm/s',
    description: 'Velocity RMS vibration on the main bearing housing (ISO 10816)',
    level: { running: 2.2, idle: 0.6, stopped: 0.05 },
    tauS: 3,
    sigma: 0.12,
    phi: 0.8,
    decimals: 3,
    min: 0,
    effect: 'bearing_vibration',
  },
  ...(withPower
    ? [
        {
          name: 'power',
          unit: 'kW',
          description: 'Active electrical power of the press',
          level: { running: 42, idle: 7, stopped: 0.3 },
          tauS: 2,
          sigma: 2.5,
          phi: 0.5,
          decimals: 2,
          min: 0,
        },
      ]
    : []),
];

const flangeHeight: DimensionChannel = {
  name: 'flange_height',
  description: 'Flange height of the stamped bracket, measured in-line by a laser gauge',
  lsl: 11.8,
  target: 12.0,
  usl: 12.2,
  sigma: 0.035,
  wearPerPart: 0,
  freshToolOffset: 0,
  thermalMmPerDegC: 0.002,
  decimals: 4,
};

const press = (
  n: number,
  cycleTimeS: number,
  options: { power?: boolean; bearing?: boolean },
): MachineDefinition => ({
  path: `${LINE}/press${n}`,
  name: `Press ${n}`,
  kind: 'servo-hydraulic press',
  type: 'press',
  cycleTimeS,
  idealCycleTimeS: Math.round(cycleTimeS * 0.9 * 10) / 10,
  analog: pressAnalog(options.power ?? false),
  dimension: flangeHeight,
  dieRunParts: 1800,
  ...(options.bearing ? { bearingFaultProne: true } : {}),
});

const spindleLoad: AnalogChannel = {
  name: 'spindle_load',
  unit: '%',
  description: 'Spindle load relative to the rated torque',
  level: { running: 55, idle: 0, stopped: 0 },
  tauS: 1,
  sigma: 2,
  phi: 0.6,
  decimals: 1,
  min: 0,
  effect: 'cutting_load',
};

const mill = (n: number, cycleTimeS: number): MachineDefinition => ({
  path: `${CELL}/mill${n}`,
  name: `Mill ${n}`,
  kind: '5-axis machining centre',
  type: 'mill',
  cycleTimeS,
  idealCycleTimeS: Math.round(cycleTimeS * 0.92),
  analog: [
    spindleLoad,
    {
      name: 'spindle_temp',
      unit: 'degC',
      description: 'Spindle motor temperature',
      level: { running: 52, idle: 36, stopped: 24 },
      tauS: 1200,
      sigma: 0.2,
      phi: 0.97,
      decimals: 2,
      initial: 24,
    },
    {
      name: 'vibration_rms',
      unit: 'mm/s',
      description: 'Velocity RMS vibration at the spindle housing',
      level: { running: 1.4, idle: 0.3, stopped: 0.03 },
      tauS: 3,
      sigma: 0.08,
      phi: 0.8,
      decimals: 3,
      min: 0,
    },
  ],
  dimension: {
    name: 'bore_diameter',
    description: 'Diameter of the main bore, measured by the in-process probe',
    lsl: 24.97,
    target: 25.0,
    usl: 25.03,
    sigma: 0.004,
    wearPerPart: -0.00015,
    freshToolOffset: 0.011,
    thermalMmPerDegC: 0,
    decimals: 4,
  },
  toolLifeParts: 150,
});

export const DEMO_MACHINES: readonly MachineDefinition[] = [
  {
    path: `${LINE}/feeder`,
    name: 'Coil feeder',
    kind: 'servo coil feeder',
    type: 'feeder',
    analog: [
      {
        name: 'line_speed',
        unit: 'm/min',
        description: 'Strip speed through the straightener',
        level: { running: 18, idle: 0, stopped: 0 },
        tauS: 4,
        sigma: 0.15,
        phi: 0.9,
        decimals: 2,
        min: 0,
      },
      {
        name: 'motor_temp',
        unit: 'degC',
        description: 'Feed motor temperature',
        level: { running: 46, idle: 35, stopped: 24 },
        tauS: 900,
        sigma: 0.2,
        phi: 0.97,
        decimals: 2,
        initial: 24,
      },
    ],
  },
  press(1, 5, { power: true }),
  press(2, 6, {}),
  press(3, 6, { bearing: true }),
  press(4, 7.5, {}),
  mill(1, 90),
  mill(2, 110),
  mill(3, 75),
  {
    path: `${CELL}/lathe1`,
    name: 'Lathe 1',
    kind: 'CNC turning centre',
    type: 'lathe',
    cycleTimeS: 60,
    idealCycleTimeS: 55,
    analog: [
      { ...spindleLoad, level: { running: 48, idle: 0, stopped: 0 } },
      {
        name: 'motor_temp',
        unit: 'degC',
        description: 'Main spindle motor temperature',
        level: { running: 58, idle: 38, stopped: 24 },
        tauS: 1000,
        sigma: 0.2,
        phi: 0.97,
        decimals: 2,
        initial: 24,
      },
      {
        name: 'power',
        unit: 'kW',
        description: 'Active electrical power of the lathe',
        level: { running: 3, idle: 1.2, stopped: 0.1 },
        tauS: 1,
        sigma: 0.3,
        phi: 0.5,
        decimals: 2,
        min: 0,
        effect: 'load_power',
      },
    ],
    dimension: {
      name: 'outer_diameter',
      description: 'Outer diameter of the turned shaft, measured by the post-process gauge',
      lsl: 39.95,
      target: 40.0,
      usl: 40.05,
      sigma: 0.008,
      wearPerPart: 0.0002,
      freshToolOffset: -0.02,
      thermalMmPerDegC: 0,
      decimals: 4,
    },
    toolLifeParts: 200,
  },
];

/** Tag names every machine with a part counter has, besides its analog channels and dimension. */
export const STATE_TAG = 'state';
export const CYCLE_COUNT_TAG = 'cycle_count';

/** The asset tree of the demo plant, outermost first (parents before children). */
export function demoAssets(): Asset[] {
  return [
    { path: DEMO_ENTERPRISE, level: 'enterprise', name: 'ACME Manufacturing' },
    { path: DEMO_SITE, level: 'site', name: 'Plant 1', description: 'Demo plant (simulated)' },
    { path: 'acme/plant1/stamping', level: 'area', name: 'Stamping' },
    {
      path: LINE,
      level: 'line',
      name: 'Stamping line 1',
      description: 'Coil feeder and four presses stamping steel brackets',
    },
    { path: 'acme/plant1/machining', level: 'area', name: 'Machining' },
    {
      path: CELL,
      level: 'cell',
      name: 'CNC cell 1',
      description: 'Three machining centres and a lathe finishing housings and shafts',
    },
    ...DEMO_MACHINES.map((m): Asset => ({ path: m.path, level: 'equipment', name: m.name, kind: m.kind })),
  ];
}

/** Every tag of the demo plant, with units, descriptions, data types, spec limits and state maps. */
export function demoTags(): TagInput[] {
  const tags: TagInput[] = [];
  const source = (asset: string, name: string) => ({ adapter: 'mqtt', address: `${asset}/${name}` });
  for (const m of DEMO_MACHINES) {
    tags.push({
      asset: m.path,
      name: STATE_TAG,
      dataType: 'state',
      description: `Machine state of ${m.name}`,
      states: { ...STATE_TAG_STATES },
      source: source(m.path, STATE_TAG),
    });
    if (m.cycleTimeS !== undefined) {
      tags.push({
        asset: m.path,
        name: CYCLE_COUNT_TAG,
        dataType: 'integer',
        unit: 'parts',
        description: `Parts produced by ${m.name} (lifetime counter)`,
        source: source(m.path, CYCLE_COUNT_TAG),
      });
    }
    for (const a of m.analog) {
      tags.push({
        asset: m.path,
        name: a.name,
        dataType: 'float',
        unit: a.unit,
        description: a.description,
        source: source(m.path, a.name),
      });
    }
    if (m.dimension) {
      const d = m.dimension;
      tags.push({
        asset: m.path,
        name: d.name,
        dataType: 'float',
        unit: 'mm',
        description: `${d.description} (one sample per part)`,
        spec: { lsl: d.lsl, target: d.target, usl: d.usl },
        source: source(m.path, d.name),
      });
    }
  }
  return tags;
}
