import { jobShopFixtureText } from '../../../test/helpers/jobshop-fixtures.js';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import { parseJobShop, parseJobShopJson } from './instance.js';

const fixture = jobShopFixtureText;

describe('parseJobShop', () => {
  it('reads ft06 in JSPLIB layout, skipping the comment lines', () => {
    const ft06 = parseJobShop(fixture('ft06'), { name: 'ft06' });
    expect(ft06.machineCount).toBe(6);
    expect(ft06.jobs).toHaveLength(6);
    // first line of ft06: "2 1 0 3 1 6 3 7 5 3 4 6"
    expect(ft06.jobs[0]).toEqual([
      { machine: 2, duration: 1 },
      { machine: 0, duration: 3 },
      { machine: 1, duration: 6 },
      { machine: 3, duration: 7 },
      { machine: 5, duration: 3 },
      { machine: 4, duration: 6 },
    ]);
    expect(ft06.jobs[5]?.[5]).toEqual({ machine: 2, duration: 1 });
  });

  it("reads Taillard's original layout (times, then 1-based machines) into the same instance", () => {
    const taillard = [
      'Nb of jobs, Nb of Machines, Time seed, Machine seed, Upper bound, Lower bound :',
      '  2  3  840612802  398197754  20  10',
      'Times',
      ' 5 6 7',
      ' 1 2 3',
      'Machines',
      ' 3 1 2',
      ' 1 2 3',
    ].join('\n');
    const jsplib = '2 3\n2 5 0 6 1 7\n0 1 1 2 2 3\n';
    expect(parseJobShop(taillard, { format: 'taillard' })).toEqual(parseJobShop(jsplib));
  });

  it('names the line of malformed input', () => {
    expect(() => parseJobShop('# c\n2 2\n0 1 1 2\n0 1 x 2\n', { name: 'bad' })).toThrow(/bad: line 4: "x"/);
    expect(() => parseJobShop('2 2\n0 1 1 2\n0 1 1\n')).toThrow(/line 3: job 1 has 3 numbers, expected 4/);
    expect(() => parseJobShop('2 2\n0 1 2 2\n0 1 1 2\n')).toThrow(/line 2: machine 2 .* 0-based/);
    expect(() => parseJobShop('2 2\n0 1 1 2\n')).toThrow(/missing job 1/);
    expect(() => parseJobShop('1 2\n0 1 1 2\n1 1 0 1\n')).toThrow(/line 3: unexpected data/);
    expect(() => parseJobShop('', { name: 'empty' })).toThrow(UserError);
    expect(() => parseJobShop('2 2\n1 5\n2 6\n0 1\n1 0\n', { format: 'taillard' })).toThrow(
      /line 4: machine 0 .* 1-based/,
    );
  });
});

describe('parseJobShopJson', () => {
  it('accepts the JSON form and rejects a machine out of range with its path', () => {
    const inst = parseJobShopJson({
      machineCount: 2,
      jobs: [
        [
          { machine: 0, duration: 3 },
          { machine: 1, duration: 2 },
        ],
      ],
    });
    expect(inst.name).toBe('instance');
    expect(() => parseJobShopJson({ machineCount: 1, jobs: [[{ machine: 1, duration: 3 }]] })).toThrow(
      /jobs\.0\.0\.machine: machine 1 is not below machineCount 1/,
    );
  });
});
