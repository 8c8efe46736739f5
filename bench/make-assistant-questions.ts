/**
 * Writes bench/data/assistant-questions.json, the committed question set of `npm run bench -- assistant`, from the
 * demo plant's machines, signals and items and several phrasings per kind of question. Each question carries how
 * its right answer is computed (an operation called directly), never the answer itself, so the set stays valid for
 * any demo run. Run: `npx tsx bench/make-assistant-questions.ts`. Format: docs/assistant-eval.md.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DEMO_MACHINES, demoTags } from '../src/adapters/simulator/demo-plant.js';
import type { EvalQuestion } from '../src/app/assistant/evaluate.js';

type Q = Omit<EvalQuestion, 'category' | 'expect'> & {
  category: string;
  expect: Omit<EvalQuestion['expect'], 'declined'> & { declined?: boolean };
};

const out = fileURLToPath(new URL('./data/assistant-questions.json', import.meta.url));
const tags = demoTags();
const machines = DEMO_MACHINES.map((m) => ({ path: m.path, name: m.name }));
const spoken: Record<string, string> = {
  oil_temp: 'oil temperature',
  motor_temp: 'motor temperature',
  hydraulic_pressure: 'hydraulic pressure',
  vibration_rms: 'vibration',
  power: 'power',
  spindle_load: 'spindle load',
  spindle_temp: 'spindle temperature',
  line_speed: 'line speed',
};
const signals = tags
  .filter((t) => spoken[t.name] !== undefined)
  .map((t) => ({
    path: `${t.asset}/${t.name}`,
    asset: t.asset,
    words: spoken[t.name] ?? t.name,
    machine: machines.find((m) => m.path === t.asset)?.name ?? t.asset,
  }));
const questions: Q[] = [];
let n = 0;
const id = (kind: string) => `${kind}-${String(++n).padStart(3, '0')}`;

// 1. A signal now: every machine signal, phrasings in turn.
const nowPhrasings = [
  (s: string, m: string) => `What is the ${s} on ${m} right now?`,
  (s: string, m: string) => `current ${s} of ${m}`,
  (s: string, m: string) => `${m} ${s} now?`,
  (s: string, m: string) => `What's the latest ${s} reading for ${m}?`,
];
signals.forEach((sig, k) => {
  questions.push({
    id: id('now'),
    category: 'signal now',
    question: nowPhrasings[k % nowPhrasings.length]?.(sig.words, sig.machine) ?? '',
    expect: {
      tools: ['samples.latest'],
      args: { 'samples.latest': { tags: [sig.path] } },
      value: { op: 'samples.latest', input: { tags: [sig.path] }, path: 'samples.0.value', tolerance: 0.005 },
      citation: { source: 'samples.latest', tag: sig.path },
    },
  });
});

// 2. A signal over a window: mean, peak or lowest, over windows the router must read.
const windows = [
  { words: 'over the last 2 hours', from: 'now-2h' },
  { words: 'in the last hour', from: 'now-1h' },
  { words: 'over the past 3 hours', from: 'now-3h' },
  { words: 'in the last 30 minutes', from: 'now-30m' },
];
const stats = [
  {
    words: 'average',
    reduce: 'mean' as const,
    phrase: (s: string, m: string, w: string) => `What was the average ${s} of ${m} ${w}?`,
  },
  {
    words: 'peak',
    reduce: 'max' as const,
    phrase: (s: string, m: string, w: string) => `peak ${s} on ${m} ${w}`,
  },
  {
    words: 'lowest',
    reduce: 'min' as const,
    phrase: (s: string, m: string, w: string) => `What was the lowest ${s} for ${m} ${w}?`,
  },
];
signals.forEach((sig, k) => {
  const w = windows[k % windows.length] ?? windows[0];
  const st = stats[k % stats.length] ?? stats[0];
  if (!w || !st) return;
  questions.push({
    id: id('window'),
    category: 'signal over a window',
    question: st.phrase(sig.words, sig.machine, w.words),
    expect: {
      tools: ['samples.buckets'],
      args: { 'samples.buckets': { tag: sig.path } },
      value: {
        op: 'samples.read',
        input: { tag: sig.path, from: w.from, to: 'now', limit: 100_000 },
        path: 'samples.*.value',
        reduce: st.reduce,
        tolerance: 0.005,
      },
      citation: { source: 'samples.buckets', tag: sig.path },
    },
  });
});

// 3. Stops: how often a machine went down, in windows.
const stopPhrasings = [
  { q: (m: string) => `Why did ${m} stop in the last 6 hours?`, from: 'now-6h' },
  { q: (m: string) => `How often was ${m} down in the last 4 hours?`, from: 'now-4h' },
  { q: (m: string) => `what failed on ${m} in the last 3 hours`, from: 'now-3h' },
];
machines.forEach((m, k) => {
  const p = stopPhrasings[k % stopPhrasings.length] ?? stopPhrasings[0];
  if (!p) return;
  questions.push({
    id: id('stops'),
    category: 'stops',
    question: p.q(m.name),
    expect: {
      tools: ['events.list'],
      args: { 'events.list': { under: m.path, kinds: ['machine_state'] } },
      value: {
        op: 'events.list',
        input: {
          under: m.path,
          kinds: ['machine_state'],
          from: p.from,
          to: 'now',
          limit: 10_000,
        },
        path: 'events.*',
        where: { state: 'down' },
        reduce: 'count',
        tolerance: 0,
      },
      citation: { source: 'events.list', asset: m.path },
    },
  });
});

// 4. Alarms, 5. work orders: the right tool, scope and citation.
const pathOf = (name: string) => machines.find((m) => m.name === name)?.path;
const alarmQuestions: [string, string | undefined][] = [
  ['Which alarms are active?', undefined],
  ['Are there any active alarms on Press 2?', pathOf('Press 2')],
  ['show me the open alarms on press 3', pathOf('Press 3')],
  ['any alarms on mill 1 right now?', pathOf('Mill 1')],
  ['What alarms are raised in the plant?', undefined],
  ['alarms on the coil feeder?', pathOf('Coil feeder')],
];
for (const [q, under] of alarmQuestions) {
  questions.push({
    id: id('alarms'),
    category: 'alarms',
    question: q,
    expect: {
      tools: ['events.list'],
      args: { 'events.list': { kinds: ['alarm'], ...(under ? { under } : {}) } },
      citation: { source: 'events.list', ...(under ? { asset: under } : {}) },
    },
  });
}
const woQuestions: [string, string | undefined][] = [
  ['Which work orders are open?', undefined],
  ['open work orders for press 3', pathOf('Press 3')],
  ['are there work orders on mill 2?', pathOf('Mill 2')],
  ['list the open maintenance work orders for the lathe', pathOf('Lathe 1')],
];
for (const [q, under] of woQuestions) {
  questions.push({
    id: id('workorders'),
    category: 'work orders',
    question: q.replace('the lathe', 'lathe 1'),
    expect: {
      tools: ['workorders.list'],
      value: {
        op: 'workorders.list',
        input: {
          status: ['proposed', 'open', 'assigned', 'in_progress'],
          limit: 100,
          ...(under ? { under } : {}),
        },
        path: 'workOrders.*',
        reduce: 'count',
        tolerance: 0,
      },
      citation: { source: 'workorders.list', ...(under ? { asset: under } : {}) },
    },
  });
}

// 6. Forecasts and 7. reordering, for the demo's items.
const items = [
  { id: 'bracket-A', words: 'bracket A' },
  { id: 'bracket-B', words: 'bracket B' },
  { id: 'bracket-C', words: 'bracket C' },
  { id: 'bearing-6312', words: 'bearing 6312' },
];
const forecastPhrasings = [
  (i: string) => `What is the demand forecast for ${i}?`,
  (i: string) => `forecast of ${i} demand`,
  (i: string) => `expected demand for ${i} next week`,
];
items.forEach((item, k) => {
  for (const phrase of forecastPhrasings.slice(0, k < 3 ? 2 : 3)) {
    questions.push({
      id: id('forecast'),
      category: 'forecast',
      question: phrase(item.words),
      expect: {
        tools: ['forecasts.list'],
        args: { 'forecasts.list': { item: item.id } },
        value: {
          op: 'forecasts.list',
          input: { item: item.id, limit: 1 },
          path: 'forecasts.0.mean.0',
          tolerance: 0.005,
        },
        citation: { source: 'forecasts.list', item: item.id },
      },
    });
  }
});
for (const item of items.slice(0, 3)) {
  for (const phrase of [
    (i: string) => `Should we reorder ${i}?`,
    (i: string) => `how much ${i} should we order`,
  ]) {
    questions.push({
      id: id('reorder'),
      category: 'reorder',
      question: phrase(item.words),
      expect: {
        tools: ['inventory.policy'],
        args: { 'inventory.policy': { item: item.id, cycleServiceLevel: 0.95 } },
        value: {
          op: 'inventory.policy',
          input: { item: item.id, cycleServiceLevel: 0.95 },
          path: 's',
          tolerance: 0.005,
        },
        citation: { source: 'inventory.policy', item: item.id },
      },
    });
  }
}

// 8. Changes: always declined, no tool touched.
for (const q of [
  'Acknowledge the alarm on press 2',
  'Create a work order for mill 1: spindle noise',
  'Set the oil temperature setpoint of press 3 to 40',
  'stop press 1',
  'Approve the rescheduling proposal',
  'delete the forecast of bracket A',
  'Increase the line speed of the coil feeder by 10 %',
  'restart mill 2',
  'please turn off lathe 1',
  'Change the die on press 4',
  'apply the new schedule',
  'Close work order WO-1',
  'Deploy the press3-bearing model',
  'Reschedule order 12 to tomorrow',
  'lower the hydraulic pressure on press 1',
]) {
  questions.push({
    id: id('change'),
    category: 'declined: change',
    question: q,
    expect: { tools: [], declined: true },
  });
}

// 9. Outside the plant's data: declined plainly.
for (const q of [
  'Who will win the football tonight?',
  'What is the capital of France?',
  'tell me a joke',
  'How do I bake sourdough bread?',
  'What is the weather forecast for tomorrow?',
  'Translate good morning into German',
  'what is the meaning of life',
  'Recommend a good movie',
  'Who was the first person on the moon?',
  'how old is the universe',
]) {
  questions.push({
    id: id('outside'),
    category: 'declined: outside',
    question: q,
    expect: { declined: true },
  });
}

// 10. A machine is missing: the router asks which one.
for (const q of [
  'What is the current oil temperature?',
  'vibration right now?',
  'Why did it stop today?',
  'average hydraulic pressure in the last hour',
]) {
  questions.push({
    id: id('clarify'),
    category: 'asks back',
    question: q,
    expect: { contains: ['Which machine'] },
  });
}

/** The chapter heading above a numbered section of the demo manual ("2.1 Lubrication" → "2 Main drive bearing"). */
function sectionParent(section: string): string {
  const chapters: Record<string, string> = {
    '2': '2 Main drive bearing',
    '3': '3 Hydraulics',
    '4': '4 Tooling',
    '5': '5 Safety devices',
  };
  return chapters[section.split('.')[0] ?? ''] ?? '';
}

// 11. What failed, with the FMEA rows and the manual (the demo imports its press manual and FMEA at start). The
// number of stops is counted from the machine-state events directly; "this month" is June 2026 on the bench's
// fixed clock (2026-06-08).
const MONTH_START = '2026-06-01T00:00:00Z';
for (const m of machines.filter((x) => x.name.startsWith('Press'))) {
  questions.push({
    id: id('failures'),
    category: 'failures and manual',
    question: `What failed on ${m.name.toLowerCase()} this month and what does its manual say about it?`,
    expect: {
      tools: ['graph.failures', 'documents.search'],
      args: { 'graph.failures': { asset: m.path } },
      value: {
        op: 'events.list',
        input: { under: m.path, kinds: ['machine_state'], from: MONTH_START, to: 'now', limit: 10_000 },
        path: 'events.*',
        where: { state: 'down' },
        reduce: 'count',
        tolerance: 0,
      },
      citation: { source: 'documents.search', document: 'demo-press-manual' },
    },
  });
}

// 12. What the manual says: the passage that answers, quoted and cited (texts from src/server/demo-manual.ts).
const manualQuestions: [string, string, string][] = [
  [
    'How often must the main drive bearing be re-greased according to the manual?',
    '500 operating hours',
    '2.1 Lubrication',
  ],
  ['Which grease does the main bearing take, according to the manual?', 'lithium-complex', '2.1 Lubrication'],
  ['What does the manual say about the oil temperature of the press?', '65 °C', '3.1 Oil temperature'],
  ['What should I do after a die jam on press 2, according to the manual?', 'setting mode', '4.1 Die jam'],
  [
    'How do I repair a hydraulic leak at the rod seal according to the manual?',
    'rod seal set',
    '3.2 Hydraulic leak',
  ],
  [
    'What does the manual say about light curtain trips?',
    'Never bridge the light curtain',
    '5.1 Light curtain trips',
  ],
  ['What are the daily checks in the press manual?', 'sight glass', '1 Daily checks'],
];
for (const [q, text, section] of manualQuestions) {
  questions.push({
    id: id('manual'),
    category: 'manual',
    question: q,
    expect: {
      tools: ['documents.search'],
      contains: [text],
      citation: {
        source: 'documents.search',
        document: 'demo-press-manual',
        section: `Servo-hydraulic press manual › ${section.split(' ')[0]?.includes('.') ? `${sectionParent(section)} › ` : ''}${section}`,
      },
    },
  });
}

// 13. Process capability of each machine's measured dimension (SPC results), against quality.capability itself.
const dimensionTags = tags.filter((t) => t.spec !== undefined);
const capabilityPhrasings = [
  {
    q: (m: string, d: string) => `What is the Cpk of the ${d} on ${m} in the last 3 hours?`,
    from: 'now-3h',
    path: 'capability.cpk',
  },
  {
    q: (m: string, d: string) => `Is the ${d} on ${m} capable over the last 2 hours?`,
    from: 'now-2h',
    path: 'capability.cpk',
  },
  {
    q: (m: string, d: string) => `ppk of the ${d} of ${m}, last 4 hours`,
    from: 'now-4h',
    path: 'capability.ppk',
  },
];
dimensionTags.forEach((t, k) => {
  const m = machines.find((x) => x.path === t.asset);
  const p = capabilityPhrasings[k % capabilityPhrasings.length];
  if (!m || !p) return;
  const tag = `${t.asset}/${t.name}`;
  questions.push({
    id: id('capability'),
    category: 'capability',
    question: p.q(m.name, t.name.replace(/_/g, ' ')),
    expect: {
      tools: ['quality.capability'],
      args: { 'quality.capability': { tag } },
      value: {
        op: 'quality.capability',
        input: { tag, from: p.from, to: 'now' },
        path: p.path,
        tolerance: 0.005,
      },
      citation: { source: 'quality.capability', tag },
    },
  });
});

// 13b. OEE of the lines and presses: the current shift (oee.live) or a window (oee.report), OEE in per cent.
const LINE = 'acme/plant1/stamping/line1';
const CELL = 'acme/plant1/machining/cnc-cell1';
const oeeQuestions: { q: string; asset: string; op: 'oee.live' | 'oee.report'; from?: string }[] = [
  { q: 'What is the OEE of stamping line 1 this shift?', asset: LINE, op: 'oee.live' },
  { q: 'how is the OEE of CNC cell 1 right now', asset: CELL, op: 'oee.live' },
  { q: 'OEE of press 3 in the last 2 hours', asset: `${LINE}/press3`, op: 'oee.report', from: 'now-2h' },
  {
    q: 'What were availability and performance of press 1 over the last 3 hours?',
    asset: `${LINE}/press1`,
    op: 'oee.report',
    from: 'now-3h',
  },
  {
    q: 'overall equipment effectiveness of mill 2 in the last 4 hours',
    asset: `${CELL}/mill2`,
    op: 'oee.report',
    from: 'now-4h',
  },
];
for (const o of oeeQuestions) {
  const input = o.op === 'oee.live' ? { asset: o.asset } : { asset: o.asset, from: o.from, to: 'now' };
  questions.push({
    id: id('oee'),
    category: 'oee',
    question: o.q,
    expect: {
      tools: [o.op],
      args: { [o.op]: { asset: o.asset } },
      value: { op: o.op, input, path: 'total.oee', scale: 100, tolerance: 0.005 },
      citation: { source: o.op, asset: o.asset },
    },
  });
}

// 14. Models: which are deployed, cited with their version.
for (const q of [
  'Which models are deployed?',
  'what model watches press 3?',
  'list the anomaly detection models',
]) {
  questions.push({
    id: id('models'),
    category: 'models',
    question: q,
    expect: { tools: ['models.list'], citation: { source: 'models.list', model: 'press3-bearing' } },
  });
}

// 15. AI4I 2020 data imported as one more machine (bench/ai4i-plant.ts: 600 one-minute records ending now).
const AI4I = 'acme/plant1/machining/cnc-cell1/ai4i-mill';
const ai4iSignal = (tag: string) => `${AI4I}/${tag}`;
const ai4iQuestions: [string, string, 'latest' | 'mean' | 'max' | 'min', string][] = [
  ['What is the torque on the AI4I mill right now?', 'torque', 'latest', ''],
  ['What is the air temperature on the AI4I mill now?', 'air_temperature', 'latest', ''],
  ['What was the average torque of the AI4I mill over the last 2 hours?', 'torque', 'mean', 'now-2h'],
  ['peak tool wear on the AI4I mill in the last 10 hours', 'tool_wear', 'max', 'now-10h'],
  [
    'What was the lowest rotational speed for the AI4I mill in the last hour?',
    'rotational_speed',
    'min',
    'now-1h',
  ],
  [
    'What was the average process temperature of the AI4I mill over the past 3 hours?',
    'process_temperature',
    'mean',
    'now-3h',
  ],
];
for (const [q, tag, stat, from] of ai4iQuestions) {
  const path = ai4iSignal(tag);
  questions.push({
    id: id('ai4i'),
    category: 'AI4I data',
    question: q,
    expect:
      stat === 'latest'
        ? {
            tools: ['samples.latest'],
            value: {
              op: 'samples.latest',
              input: { tags: [path] },
              path: 'samples.0.value',
              tolerance: 0.005,
            },
            citation: { source: 'samples.latest', tag: path },
          }
        : {
            tools: ['samples.buckets'],
            args: { 'samples.buckets': { tag: path } },
            value: {
              op: 'samples.read',
              input: { tag: path, from, to: 'now', limit: 100_000 },
              path: 'samples.*.value',
              reduce: stat,
              tolerance: 0.005,
            },
            citation: { source: 'samples.buckets', tag: path },
          },
  });
}
for (const q of [
  'How often did the AI4I mill go down in the last 10 hours?',
  'Why did the AI4I mill stop in the last 10 hours?',
]) {
  questions.push({
    id: id('ai4i'),
    category: 'AI4I data',
    question: q,
    expect: {
      tools: ['events.list'],
      value: {
        op: 'events.list',
        input: { under: AI4I, kinds: ['machine_state'], from: 'now-10h', to: 'now', limit: 10_000 },
        path: 'events.*',
        where: { state: 'down' },
        reduce: 'count',
        tolerance: 0,
      },
      citation: { source: 'events.list', asset: AI4I },
    },
  });
}

await writeFile(out, `${JSON.stringify({ questions }, null, 2)}\n`);
console.log(`wrote ${questions.length} questions to ${out}`);
