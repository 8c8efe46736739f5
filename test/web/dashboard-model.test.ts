/** The dashboard's pure parts (web/src): the plant hierarchy from flat API lists, and how values read. */
import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatNumber,
  formatSpec,
  formatTimeTicks,
  formatValue,
  specStatus,
  unitLabel,
} from '../../web/src/format.js';
import type { Asset, Tag } from '../../web/src/model.js';
import { buildPlantTree } from '../../web/src/plant-model.js';

const asset = (path: string, level: string, name = path.split('/').pop() ?? path): Asset => ({
  path,
  level,
  name,
});
const tag = (path: string, extra: Partial<Tag> = {}): Tag => ({
  id: 1,
  path,
  asset: path.slice(0, path.lastIndexOf('/')),
  name: path.slice(path.lastIndexOf('/') + 1),
  dataType: 'float',
  ...extra,
});

describe('buildPlantTree', () => {
  it('nests assets by path, sorts naturally and hangs tags on their asset', () => {
    const line = 'acme/plant1/stamping/line1';
    const roots = buildPlantTree(
      [
        asset(`${line}/press10`, 'equipment'),
        asset('acme', 'enterprise', 'ACME'),
        asset(`${line}/press2`, 'equipment'),
        asset(line, 'line'),
        asset('acme/plant1', 'site'),
        asset('acme/plant1/stamping', 'area'),
      ],
      [tag(`${line}/press2/oil_temp`), tag(`${line}/press2/motor_temp`)],
    );
    expect(roots.map((r) => r.asset.name)).toEqual(['ACME']);
    const lineNode = roots[0]?.children[0]?.children[0]?.children[0];
    expect(lineNode?.asset.path).toBe(line);
    expect(lineNode?.children.map((c) => c.asset.name)).toEqual(['press2', 'press10']);
    expect(lineNode?.children[0]?.tags.map((t) => t.name)).toEqual(['motor_temp', 'oil_temp']);
    expect(lineNode?.implied).toBe(false);
  });

  it('implies parents the API did not list, so no asset or tag is lost', () => {
    const roots = buildPlantTree(
      [asset('acme/plant1', 'site')],
      [tag('acme/plant1/utilities/compressor/pressure')],
    );
    expect(roots[0]?.implied).toBe(true);
    const site = roots[0]?.children[0];
    expect(site?.asset.level).toBe('site');
    expect(site?.implied).toBe(false);
    const compressor = site?.children[0]?.children[0];
    expect(compressor?.implied).toBe(true);
    expect(compressor?.tags.map((t) => t.path)).toEqual(['acme/plant1/utilities/compressor/pressure']);
  });
});

describe('value formatting', () => {
  it('shows state names, booleans and about four significant digits', () => {
    const state = tag('a/b/state', { dataType: 'state', states: { '0': 'off', '1': 'running' } });
    expect(formatValue(state, 1)).toBe('running');
    expect(formatValue(state, 7)).toBe('7');
    expect(formatValue(tag('a/b/door', { dataType: 'boolean' }), 0)).toBe('false');
    expect(formatNumber(62.347)).toBe(
      new Intl.NumberFormat(undefined, { minimumFractionDigits: 2 }).format(62.35),
    );
    expect(formatNumber(0.012345)).toBe(
      new Intl.NumberFormat(undefined, { minimumFractionDigits: 5, maximumFractionDigits: 5 }).format(
        0.01235,
      ),
    );
    expect(unitLabel('degC')).toBe('°C');
    expect(unitLabel('bar')).toBe('bar');
  });

  it('flags values outside the specification limits, limits inclusive', () => {
    const spec = { lsl: 11.8, target: 12, usl: 12.2 };
    expect(specStatus(spec, 12.2)).toBe('ok');
    expect(specStatus(spec, 12.21)).toBe('high');
    expect(specStatus(spec, 11.79)).toBe('low');
    expect(specStatus({ usl: 80 }, -1000)).toBe('ok');
    expect(specStatus(undefined, 1e9)).toBe('ok');
    expect(formatSpec({ usl: 80 })).toContain('−∞');
  });

  it('says how old a value is', () => {
    expect(formatAge(400)).toBe('just now');
    expect(formatAge(3_400)).toBe('3 s ago');
    expect(formatAge(125_000)).toBe('2 min ago');
    expect(formatAge(3 * 86_400_000)).toBe('3 d ago');
  });

  it('labels time ticks on the 24-hour clock with the date under the first and at midnight', () => {
    const start = new Date(2026, 0, 5, 22, 0).getTime(); // local time, whatever the test machine's zone
    const hour = 3_600_000;
    const labels = formatTimeTicks([start, start + hour, start + 2 * hour, start + 3 * hour], hour);
    expect(labels[0]).toMatch(/^22:00\n/);
    expect(labels[1]).toBe('23:00');
    expect(labels[2]).toMatch(/^00:00\n/);
    expect(labels[3]).toBe('01:00');
  });
});
