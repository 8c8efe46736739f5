/**
 * `gemba simulate line.yaml [--replications N] [--seed N] [--json] [--plot out.svg|png]`
 * Simulates a serial line described in a file here (src/app/process/line-file.ts, examples/line.yaml): line
 * throughput, WIP and lead time with 95 % confidence intervals, each station's time shares, the bottleneck, and each
 * what-if scenario's difference from the base (common random numbers). With shifts, throughput is also given per
 * working hour and the station shares are of working time. `gemba simulate calibrate` (simulate-calibrate.ts) writes
 * such a file from recorded data.
 */
import { basename } from 'node:path';
import { type Estimate, compareScenarios } from '../../analytics/process/line-sim.js';
import { parseLineFile } from '../../app/process/line-file.js';
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, boolFlag } from '../args.js';
import { progressBar } from '../progress.js';
import { renderTimeSharesSvg } from './simulate-plot.js';
import { numberFlag, plotTarget, readInput, writePlot } from './spc.js';

const USAGE = 'gemba simulate line.yaml [--replications N] [--seed N] [--json] [--plot out.png]';

const num = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** `mean ± half-width` (the 95 % confidence interval), scaled and rounded. */
const ci = (e: Estimate, digits = 1, scale = 1): string =>
  `${num(e.mean * scale, digits)} ± ${num(e.halfWidth * scale, digits)}`;
const signed = (e: Estimate, digits = 1, scale = 1): string =>
  `${e.mean * scale >= 0 ? '+' : ''}${ci(e, digits, scale)}`;
const pct = (e: Estimate) => `${num(e.mean * 100, 1)} %`;

export async function simulateCommand(args: ParsedArgs): Promise<string> {
  const { file, text } = readInput(args, USAGE);
  const plot = plotTarget(args);
  const line = parseLineFile(text, file);
  const replications = numberFlag(args, 'replications') ?? line.options.replications;
  const seed = numberFlag(args, 'seed') ?? line.options.seed;
  if (!(Number.isInteger(replications) && replications >= 1))
    throw new UserError('invalid_input', '--replications must be a whole number ≥ 1');
  if (!Number.isInteger(seed)) throw new UserError('invalid_input', '--seed must be a whole number');

  const total = replications * (1 + line.scenarios.length);
  const bar = progressBar(`simulate ${basename(file)}`, total);
  const { base, variants } = compareScenarios(line.model, line.scenarios, {
    ...line.options,
    replications,
    seed,
    onProgress: (done) => bar.update(done, `replication ${done}/${total}`),
  });
  bar.finish(`${total} replications`);

  const bottleneck = base.bottleneck;
  if (plot !== undefined) {
    await writePlot(
      plot,
      renderTimeSharesSvg(base.stations, {
        title: `${basename(file)}: time shares per station${line.model.shifts ? ' (of working time)' : ''} (bottleneck ${bottleneck.name})`,
        bottleneck: bottleneck.index,
      }),
    );
  }
  if (boolFlag(args, 'json')) {
    return JSON.stringify(
      {
        file,
        options: { ...line.options, replications, seed },
        base,
        scenarios: variants,
        ...(plot && { plot: plot.path }),
      },
      null,
      2,
    );
  }

  const hours = line.options.runSeconds / 3600;
  const shifts = line.model.shifts !== undefined;
  const out = [
    `${basename(file)}: ${line.model.stations.length} stations, ${replications} replications of ${num(hours, hours % 1 === 0 ? 0 : 1)} h after ${num(line.options.warmupSeconds / 3600, 1)} h warm-up, seed ${seed}`,
    ...(shifts
      ? [
          `shifts: ${num(base.workingFraction * hours, 1)} working h of the ${num(hours, hours % 1 === 0 ? 0 : 1)} h run (${num(base.workingFraction * 100, 1)} %); station shares are of working time`,
        ]
      : []),
    '',
    'line (mean ± 95 % CI half-width)',
    `  throughput   ${ci(base.throughputPerHour)} parts/h`,
    ...(shifts ? [`               ${ci(base.throughputPerWorkingHour)} parts per working hour`] : []),
    `  WIP          ${ci(base.wip)} parts`,
    `  lead time    ${ci(base.leadTimeSeconds, 1, 1 / 60)} min${shifts ? ' (calendar time, breaks included)' : ''}`,
    '',
    `  ${'station'.padEnd(16)}${['busy', 'setup', 'down', 'blocked', 'starved', 'WIP'].map((h) => h.padStart(9)).join('')}  bottleneck`,
  ];
  base.stations.forEach((s, i) => {
    const shares = [s.utilisation, s.setupFraction, s.downFraction, s.blockedFraction, s.starvedFraction];
    out.push(
      `  ${s.name.padEnd(16)}${shares.map((e) => pct(e).padStart(9)).join('')}${num(s.wip.mean, 2).padStart(9)}  ${i === bottleneck.index ? '◀ ' : '  '}${num(s.bottleneckShare * 100, 0)} % of replications`,
    );
  });
  out.push('', `bottleneck: ${bottleneck.name} (longest average active period, Roser et al. 2001)`);
  if (variants.length > 0) {
    out.push('', 'scenarios: difference from the base (paired by replication, mean ± 95 % CI half-width)');
    for (const v of variants) {
      out.push(
        `  ${v.name}`,
        `    throughput ${signed(v.difference.throughputPerHour)} parts/h   WIP ${signed(v.difference.wip)} parts   lead time ${signed(v.difference.leadTimeSeconds, 1, 1 / 60)} min   bottleneck ${v.result.bottleneck.name}`,
      );
    }
  }
  if (plot !== undefined) out.push('', `time shares written to ${plot.path}`);
  return out.join('\n');
}
