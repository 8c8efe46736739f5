import { describe, expect, it } from 'vitest';
import type { Asset, Item, Tag } from '../../domain/index.js';
import { matchAsset, matchItem, matchTag, parseWindow } from './slots.js';

const LINE = 'acme/plant1/stamping/line1';
const assets: Asset[] = [
  { path: 'acme/plant1', level: 'site', name: 'Plant 1' },
  { path: LINE, level: 'line', name: 'Stamping line 1' },
  { path: `${LINE}/press1`, level: 'equipment', name: 'Press 1' },
  { path: `${LINE}/press3`, level: 'equipment', name: 'Press 3' },
  { path: `${LINE}/feeder`, level: 'equipment', name: 'Coil feeder' },
];
const tag = (name: string, description?: string): Tag => ({
  id: 1,
  path: `${LINE}/press3/${name}`,
  asset: `${LINE}/press3`,
  name,
  dataType: 'float',
  ...(description !== undefined && { description }),
});
const tags = [
  tag('oil_temp', 'Hydraulic oil temperature'),
  tag('motor_temp', 'Main motor winding temperature'),
  tag('vibration_rms', 'Bearing vibration, RMS velocity'),
  tag('hydraulic_pressure'),
];

describe('slot filling', () => {
  it('finds the machine however it is written, the most specific name first', () => {
    for (const q of ['oil temp on press 3?', 'Press #3 oil', 'what about press3', 'PRESS NO. 3']) {
      expect(matchAsset(q, assets)?.value.path).toBe(`${LINE}/press3`);
    }
    expect(matchAsset('alarms on stamping line 1', assets)?.value.path).toBe(LINE);
    expect(matchAsset('the coil feeder speed', assets)?.value.name).toBe('Coil feeder');
    expect(matchAsset('press 30 is not there', assets)).toBeUndefined();
  });

  it('finds the signal by its words and their synonyms', () => {
    expect(matchTag('what is the oil temperature', tags)?.value.name).toBe('oil_temp');
    expect(matchTag('how hot is the motor', tags)?.value.name).toBe('motor_temp');
    expect(matchTag('vibration level', tags)?.value.name).toBe('vibration_rms');
    expect(matchTag('hydraulic pressure now', tags)?.value.name).toBe('hydraulic_pressure');
    expect(matchTag('what is the speed', tags)).toBeUndefined();
  });

  it('finds a supply item by id or name', () => {
    const items = [
      { id: 'bracket-A', name: 'Bracket A', unit: 'pcs' },
      { id: 'bearing-6312', name: 'Press main bearing 6312', unit: 'pcs' },
    ] as Item[];
    expect(matchItem('forecast for bracket A', items)?.value.id).toBe('bracket-A');
    expect(matchItem('do we have bearing-6312 in stock', items)?.value.id).toBe('bearing-6312');
    expect(matchItem('what about bracket B', items)).toBeUndefined();
  });

  it('reads the time window of a question, in UTC', () => {
    const now = Date.parse('2026-06-10T14:30:00Z'); // a Wednesday
    const h = 3_600_000;
    expect(parseWindow('average over the last 2 hours', now, h)).toMatchObject({
      from: now - 2 * h,
      to: now,
      explicit: true,
    });
    expect(parseWindow('in the past hour', now, 24 * h)).toMatchObject({
      from: now - h,
      label: 'in the last hour',
    });
    expect(parseWindow('peak in the last 3 days', now, h).from).toBe(now - 72 * h);
    expect(parseWindow('downtime today', now, h)).toMatchObject({
      from: Date.parse('2026-06-10T00:00:00Z'),
      to: now,
    });
    expect(parseWindow('what failed yesterday', now, h)).toMatchObject({
      from: Date.parse('2026-06-09T00:00:00Z'),
      to: Date.parse('2026-06-10T00:00:00Z'),
    });
    expect(parseWindow('stops this week', now, h).from).toBe(Date.parse('2026-06-08T00:00:00Z'));
    expect(parseWindow('failures this month', now, h).from).toBe(Date.parse('2026-06-01T00:00:00Z'));
    expect(parseWindow('since Monday 8:00', now, h)).toMatchObject({
      from: Date.parse('2026-06-08T08:00:00Z'),
      to: now,
    });
    expect(parseWindow('on 3 June', now, h)).toMatchObject({
      from: Date.parse('2026-06-03T00:00:00Z'),
      to: Date.parse('2026-06-04T00:00:00Z'),
    });
    expect(parseWindow('the oil temperature', now, 24 * h)).toMatchObject({
      from: now - 24 * h,
      explicit: false,
      label: 'in the last 24 hours',
    });
  });
});
