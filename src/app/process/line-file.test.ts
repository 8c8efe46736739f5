import { describe, expect, it } from 'vitest';
import { lineFileFromDocument, parseLineFile } from './line-file.js';

const BASE = `
stations:
  - name: cut
    cycleTime: { type: normal, mean: 20, sd: 2 }
    failures: { mtbf: 1800, mttr: { type: exponential, mean: 240 } }
  - name: press
    cycleTime: { type: deterministic, value: 24 }
    setup: { everyParts: 100, time: { type: uniform, min: 600, max: 900 } }
  - name: pack
    cycleTime: { type: triangular, min: 15, mode: 18, max: 25 }
buffers: [10, inf]
arrivals: { meanInterarrival: 30 }
run: { warmupHours: 0.5, hours: 8, replications: 4, seed: 7 }
scenarios:
  - name: bigger buffer
    buffers: { press: 30 }
  - name: faster press
    stations: { press: { cycleTime: { type: deterministic, value: 20 } } }
`;

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('line file', () => {
  it('builds the model, the run options and each scenario from YAML', () => {
    const line = parseLineFile(BASE);
    expect(line.model).toEqual({
      stations: [
        {
          name: 'cut',
          cycleTime: { kind: 'normal', mean: 20, sd: 2 },
          failures: {
            timeBetweenFailures: { kind: 'exponential', mean: 1800 },
            timeToRepair: { kind: 'exponential', mean: 240 },
          },
        },
        {
          name: 'press',
          cycleTime: { kind: 'deterministic', value: 24 },
          setup: { everyParts: 100, time: { kind: 'uniform', min: 600, max: 900 } },
        },
        { name: 'pack', cycleTime: { kind: 'triangular', min: 15, mode: 18, max: 25 } },
      ],
      buffers: [10, Infinity],
      arrivals: { kind: 'exponential', meanInterarrivalSeconds: 30 },
    });
    expect(line.options).toEqual({ warmupSeconds: 1800, runSeconds: 28_800, replications: 4, seed: 7 });
    expect(line.scenarios.map((s) => s.name)).toEqual(['bigger buffer', 'faster press']);
    expect(line.scenarios[0]?.model.buffers).toEqual([30, Infinity]);
    expect(line.scenarios[0]?.model.stations).toEqual(line.model.stations);
    expect(line.scenarios[1]?.model.buffers).toEqual([10, Infinity]);
    expect(line.scenarios[1]?.model.stations[1]).toEqual({
      name: 'press',
      cycleTime: { kind: 'deterministic', value: 20 },
      setup: { everyParts: 100, time: { kind: 'uniform', min: 600, max: 900 } },
    });
    expect(line.scenarios[1]?.model.arrivals).toEqual(line.model.arrivals);
  });

  it('defaults to a saturated line with unbounded buffers', () => {
    const line = lineFileFromDocument({
      stations: [{ name: 'a', cycleTime: { type: 'exponential', mean: 60 } }],
    });
    expect(line.model).toEqual({
      stations: [{ name: 'a', cycleTime: { kind: 'exponential', mean: 60 } }],
      arrivals: { kind: 'saturated' },
    });
    expect(line.options).toEqual({ warmupSeconds: 3600, runSeconds: 86_400, replications: 10, seed: 1 });
  });

  it('names the field that is wrong', () => {
    const bad = (edit: (doc: string) => string) => message(() => parseLineFile(edit(BASE), 'line.yaml'));
    expect(bad((d) => d.replace('mean: 20, sd: 2', 'mean: -20, sd: 2'))).toMatch(
      /^line\.yaml: stations\.0\.cycleTime\.mean: /,
    );
    expect(bad((d) => d.replace('type: normal', 'type: weibull'))).toMatch(/stations\.0\.cycleTime\.type: /);
    expect(bad((d) => d.replace('mode: 18', 'mode: 30'))).toContain(
      'stations.2.cycleTime.mode: needs min ≤ mode ≤ max',
    );
    expect(bad((d) => d.replace('[10, inf]', '[10]'))).toContain(
      'buffers: a line of 3 stations needs 2 buffers, got 1',
    );
    expect(bad((d) => d.replace('[10, inf]', '[10, -1]'))).toContain('buffers.1');
    expect(bad((d) => d.replace('hours: 8', 'hours: 0'))).toContain('run.hours: ');
    expect(bad((d) => d.replace('{ press: 30 }', '{ prez: 30 }'))).toContain(
      'scenarios.0.buffers.prez: no station "prez" (stations: cut, press, pack)',
    );
    expect(bad((d) => d.replace('{ press: 30 }', '{ cut: 30 }'))).toContain(
      'scenarios.0.buffers.cut: no buffer before the first station "cut"',
    );
    expect(bad((d) => d.replace('stations: { press:', 'stations: { presss:'))).toContain(
      'scenarios.1.stations.presss',
    );
    expect(bad((d) => d.replace('everyParts: 100', 'everyParts: 0.5'))).toContain(
      'stations.1.setup.everyParts',
    );
    expect(bad((d) => d.replace('name: pack', 'name: cut'))).toContain(
      'stations.2.name: duplicate station name "cut"',
    );
    expect(bad((d) => d.replace('mtbf: 1800', 'mtbf: 1800, mtbr: 3'))).toContain('stations.0.failures');
    expect(message(() => parseLineFile('stations: [', 'x.yaml'))).toMatch(/^x\.yaml is not valid YAML/);
  });
});

describe('shifts and minor stops in a line file', () => {
  const H = 3600;
  it('reads daily and weekly working windows, overnight ones split at midnight, and minor stops', () => {
    const file = parseLineFile(
      [
        'stations:',
        '  - name: press',
        '    cycleTime: { type: deterministic, value: 6 }',
        '    minorStops: { mtbs: 1500, duration: { type: lognormal, mean: 100, sd: 90 } }',
        'shifts:',
        '  windows: [{ start: "06:00", end: "14:00" }, { start: "14:00", end: "22:00" }]',
        'scenarios:',
        '  - name: night shift too',
        '    shifts: { windows: [{ start: "06:00", end: "14:00" }, { start: "22:00", end: "06:00" }] }',
        '  - name: weekdays only',
        '    shifts: { days: [mon, fri], windows: [{ start: "22:00", end: "06:00" }] }',
      ].join('\n'),
    );
    expect(file.model.shifts).toEqual({
      periodSeconds: 24 * H,
      windows: [
        [6 * H, 14 * H],
        [14 * H, 22 * H],
      ],
    });
    expect(file.model.stations[0]?.minorStops).toEqual({
      timeBetween: { kind: 'exponential', mean: 1500 },
      duration: { kind: 'lognormal', mean: 100, sd: 90 },
    });
    expect(file.scenarios[0]?.model.shifts?.windows).toEqual([
      [0, 6 * H],
      [6 * H, 14 * H],
      [22 * H, 24 * H],
    ]);
    // Monday 22:00 → Tuesday 06:00, Friday 22:00 → Saturday 06:00, on a week from Monday 00:00.
    expect(file.scenarios[1]?.model.shifts).toEqual({
      periodSeconds: 7 * 24 * H,
      windows: [
        [22 * H, 30 * H],
        [4 * 24 * H + 22 * H, 5 * 24 * H + 6 * H],
      ],
    });
  });

  it('rejects a malformed time and overlapping windows', () => {
    const line = (shifts: string) =>
      message(() =>
        parseLineFile(
          `stations: [{ name: a, cycleTime: { type: deterministic, value: 1 } }]\nshifts: ${shifts}`,
        ),
      );
    expect(line('{ windows: [{ start: "6", end: "14:00" }] }')).toContain('shifts.windows.0.start');
    expect(
      line('{ windows: [{ start: "06:00", end: "14:00" }, { start: "12:00", end: "20:00" }] }'),
    ).toContain('overlap');
  });
});
