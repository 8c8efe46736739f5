import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/platform.js';
import { parseArgs } from '../args.js';
import { pngSize } from '../png.js';
import { defaultCandidates } from '../../analytics/supply/select.js';
import { makeSeries } from '../../analytics/supply/series.js';
import { forecastCommand } from './forecast.js';

const run = (...argv: string[]) => forecastCommand(parseArgs(['forecast', ...argv]));

const dir = tempDir();
afterAll(() => dir[Symbol.dispose]());

describe('gemba forecast', () => {
  const file = join(dir.path, 'demand.csv');
  // 3 + 2t: drift forecasts the line exactly (slope (y_T − y_1)/(T − 1) = 2).
  writeFileSync(
    file,
    `week,demand\n${Array.from({ length: 30 }, (_, t) => `${t + 1},${3 + 2 * t}`).join('\n')}\n`,
  );

  it('forecasts with a named method and prints its intervals', async () => {
    const out = JSON.parse(await run('--input', file, '--horizon', '3', '--method', 'drift', '--json'));
    expect(out.model).toBe('Drift');
    expect(out.mean).toEqual([63, 65, 67]);
    // σ of the first differences is 0 here: the intervals collapse onto the line.
    expect(out.lower['80']).toEqual([63, 65, 67]);
  });

  it('chooses by a rolling-origin test, prints the scores and draws the fan chart', async () => {
    const png = join(dir.path, 'fan.png');
    const out = await run('--input', file, '--horizon', '4', '--plot', png);
    expect(out).toMatch(/rolling-origin test \(3 origins × 4 periods\)/);
    expect(out).toMatch(/^ {2}(ETS|Theta|Naive2|Drift|Combination) /m);
    expect(out).toContain(`fan chart written to ${png}`);
    expect(pngSize(readFileSync(png))).toEqual({ width: 1000, height: 472 });
  });

  it('offers intermittent-demand methods only for intermittent demand', () => {
    const sparse = defaultCandidates(makeSeries([0, 0, 3, 0, 0, 5, 0, 1, 0]));
    expect(sparse.candidates.map((f) => f.name)).toEqual(['Croston', 'SBA', 'TSB']);
    expect(sparse.metric).toBe('rmsse');
    expect(defaultCandidates(makeSeries([1, 2, 3, 4])).candidates.map((f) => f.name)).not.toContain('SBA');
  });

  it('says what is wrong', async () => {
    await expect(run('--input', file)).rejects.toThrow(/--horizon must be a whole number/);
    await expect(run('--input', file, '--horizon', '2', '--method', 'magic')).rejects.toThrow(
      /--method is auto or one of/,
    );
    await expect(run('--horizon', '2')).rejects.toThrow(/usage: gemba forecast/);
  });
});
