import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/platform.js';
import { parseArgs } from '../args.js';
import { inventoryPolicyCommand } from './inventory.js';

const run = (...argv: string[]) => inventoryPolicyCommand(parseArgs(['inventory', 'policy', ...argv]));

describe('gemba inventory policy', () => {
  it('prints the (s, S) policy with the EOQ and what a simulation of it achieved', () => {
    const out = run(
      '--mean',
      '100',
      '--sd',
      '20',
      '--lead-time',
      '4',
      '--csl',
      '0.95',
      '--order-cost',
      '10',
      '--holding-cost',
      '0.5',
      '--periods-per-year',
      '10',
      '--simulate',
      '2000',
    );
    // σ_L = 40, s = 400 + 1.645·40; EOQ √(2·1000·10/0.5) = 200.
    expect(out).toContain('(s, S) reorder at s = 465.8, order up to S = 665.8 (order quantity 200.0)');
    expect(out).toContain('economic order quantity 200.0');
    expect(out).toMatch(/simulated 2000 periods: fill rate \d+\.\d\d %/);
  });

  it('estimates the demand from a history file', () => {
    using dir = tempDir();
    const file = join(dir.path, 'history.csv');
    writeFileSync(file, 'week,demand\n1,90\n2,110\n3,100\n4,100\n');
    const out = JSON.parse(
      run('--demand-file', file, '--lead-time', '1', '--fill-rate', '0.9', '--review', '1', '--json'),
    );
    expect(out.demand.mean).toBe(100);
    expect(out.demand.sd).toBeCloseTo(Math.sqrt(200 / 3), 12);
    expect(out.policy).toMatchObject({ kind: 'RS', R: 1 });
  });

  it('says what is missing', () => {
    expect(() => run('--mean', '100', '--sd', '20', '--lead-time', '4')).toThrow(
      /--csl 0.95 or --fill-rate 0.98/,
    );
    expect(() => run('--mean', '100', '--sd', '20', '--lead-time', '4', '--csl', '0.9')).toThrow(
      /--order-quantity/,
    );
    expect(() => run('--lead-time', '4', '--csl', '0.9')).toThrow(/--mean and --sd, or --demand-file/);
  });
});
