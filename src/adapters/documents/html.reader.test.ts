import { describe, expect, it } from 'vitest';
import { readFixture } from '../../../test/helpers/document-fixtures.js';
import { chunkBlocks } from '../../analytics/text/document-chunks.js';
import { htmlBlocks } from './html.reader.js';

describe('HTML reader (htmlparser2)', () => {
  it('reads the SOP fixture: headings, lists numbered, the table whole, no script, style or nav', () => {
    const blocks = htmlBlocks(readFixture('sop-press-startup.html'));
    expect(blocks.map((b) => [b.kind, b.level ?? 0, b.text.split('\n')[0]])).toEqual([
      ['heading', 1, 'SOP-017 Start-up check of the hydraulic presses'],
      [
        'paragraph',
        0,
        'Applies to every hydraulic press on stamping line 1. Owner: maintenance planning. Revision 4.',
      ],
      ['heading', 2, '1 Purpose'],
      ['paragraph', 0, expect.stringMatching(/^This procedure makes sure/) as unknown],
      ['heading', 2, '2 Before switching on'],
      ['paragraph', 0, '1. Walk round the press and check that nobody is inside the guarding.'],
      ['heading', 2, '3 Warm-up'],
      ['paragraph', 0, expect.stringMatching(/^Switch on the pump in warm-up mode/) as unknown],
      ['paragraph', 0, 'Never start production with oil below 15 °C: the pump can cavitate.'],
      ['heading', 3, '3.1 Checks during warm-up'],
      ['table', 0, 'Start-up limits'],
      ['heading', 2, '4 Records'],
      [
        'paragraph',
        0,
        'Sign the start-up sheet at the press with the time, the oil temperature and any remark.',
      ],
      ['paragraph', 0, 'Printed copies are not controlled.'],
    ]);
    expect(blocks[5]?.text.split('\n')).toEqual([
      '1. Walk round the press and check that nobody is inside the guarding.',
      '2. Check the oil level at the sight glass: it must be between the MIN and MAX marks.',
      '3. Look under the power pack for fresh oil on the floor & report any leak to maintenance.',
    ]);
    expect(blocks[10]?.text).toBe(
      [
        'Start-up limits',
        'Check | Limit | If outside',
        'System pressure at idle | 40–60 bar | Call maintenance',
        'Oil temperature after warm-up | at least 30 °C | Continue warm-up',
        'Pump noise | steady hum, no rattling | Stop, suspect cavitation',
      ].join('\n'),
    );
    const all = blocks.map((b) => b.text).join('\n');
    expect(all).not.toMatch(/tracking code|font-family|Search the intranet/);
    expect(chunkBlocks('sop', blocks).map((c) => c.section)).toEqual([
      'SOP-017 Start-up check of the hydraulic presses',
      'SOP-017 Start-up check of the hydraulic presses › 1 Purpose',
      'SOP-017 Start-up check of the hydraulic presses › 2 Before switching on',
      'SOP-017 Start-up check of the hydraulic presses › 3 Warm-up',
      'SOP-017 Start-up check of the hydraulic presses › 3 Warm-up › 3.1 Checks during warm-up',
      'SOP-017 Start-up check of the hydraulic presses › 4 Records',
    ]);
  });

  it('recovers from sloppy markup and keeps text outside paragraphs', () => {
    const html =
      '<div>Loose text<br>next line<p>Para <b>bold</b> &amp; <i>more</i><h2>Title <small>x</small></h2>' +
      '<ul><li>one<ul><li>nested</li></ul></li><li>two</ul><pre>  a\n    b</pre>' +
      '<table><tr><td>outer<table><tr><td>inner</td></tr></table></td><td>2</td></tr></table>' +
      '<script>if (a < b) { document.write("<p>no</p>") }</script><style>p{}</style>tail';
    expect(htmlBlocks(html)).toEqual([
      { kind: 'paragraph', text: 'Loose text\nnext line' },
      { kind: 'paragraph', text: 'Para bold & more' },
      { kind: 'heading', level: 2, text: 'Title x' },
      { kind: 'paragraph', text: '• one\n  • nested\n• two' },
      { kind: 'preformatted', text: '  a\n    b' },
      { kind: 'table', text: 'outer inner | 2' },
      { kind: 'paragraph', text: 'tail' },
    ]);
  });
});
