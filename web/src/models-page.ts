/**
 * The Models page: the model registry read-only, one panel per model name with its versions newest first, each with
 * status, metrics, training data, deployment and input drift. Loaded when the page shows, then every minute.
 */
import { ApiError, errorMessage, isAbort, type ApiClient } from './api.js';
import { h, replaceChildren } from './dom.js';
import { formatCompact, formatDateTime, formatDay } from './format.js';
import {
  PSI_SCALE,
  driftBars,
  formatSpan,
  groupModels,
  registrySummary,
  taskLabel,
  trainingSource,
  type ModelGroup,
  type ModelSummary,
} from './models-model.js';
import { formatWhen } from './spc-model.js';

/** Models change when someone trains or deploys one: a slow poll is enough. */
const POLL_MS = 60_000;

export interface ModelsPageOptions {
  readonly api: ApiClient;
  readonly onError: (message: string) => void;
}

type LoadState = 'loading' | 'ready' | 'missing' | 'error';

export class ModelsPage {
  readonly element: HTMLElement;
  readonly #options: ModelsPageOptions;
  readonly #summary: HTMLElement;
  readonly #body: HTMLElement;

  #models: ModelSummary[] = [];
  #state: LoadState = 'loading';
  #error = '';
  #visible = false;
  #pollTimer: number | undefined;
  #request: AbortController | undefined;

  constructor(options: ModelsPageOptions) {
    this.#options = options;
    this.#summary = h('div', { class: 'panel-summary' });
    this.#body = h(
      'div',
      { class: 'models-body' },
      h('p', { class: 'empty' }, 'Loading the model registry…'),
    );
    this.element = h(
      'main',
      { class: 'models-layout', 'data-testid': 'models-view' },
      h(
        'div',
        { class: 'models-head' },
        h('h2', {}, 'Model registry'),
        h('span', { class: 'muted' }, 'trained models, their versions, metrics, deployment and input drift'),
        this.#summary,
      ),
      this.#body,
    );
  }

  /** The page became visible or hidden; the registry is only fetched while it shows. */
  setVisible(visible: boolean): void {
    const shown = visible && !this.#visible;
    this.#visible = visible;
    window.clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
    if (!visible) return;
    this.#pollTimer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void this.#load();
    }, POLL_MS);
    if (shown) void this.#load();
  }

  refresh(): void {
    if (this.#visible) void this.#load();
  }

  async #load(): Promise<void> {
    this.#request?.abort();
    const controller = new AbortController();
    this.#request = controller;
    try {
      const models = await this.#options.api.models(controller.signal);
      if (controller.signal.aborted) return;
      this.#models = models;
      this.#state = 'ready';
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      if (error instanceof ApiError && error.status === 404) {
        this.#models = [];
        this.#state = 'missing';
      } else {
        if (error instanceof ApiError && error.status === 401) return;
        const first = this.#state !== 'error';
        this.#state = 'error';
        this.#error = errorMessage(error);
        if (first) this.#options.onError(`Could not load the model registry: ${this.#error}`);
      }
    } finally {
      if (this.#request === controller) this.#request = undefined;
    }
    this.#render();
  }

  #render(): void {
    const groups = groupModels(this.#models);
    const totals = registrySummary(groups);
    replaceChildren(
      this.#summary,
      `${totals.models} model${totals.models === 1 ? '' : 's'} · ${totals.versions} version${totals.versions === 1 ? '' : 's'}`,
      totals.deployed > 0 ? h('span', { class: 'pill pill-ok' }, `${totals.deployed} deployed`) : null,
      totals.drifting > 0 ? h('span', { class: 'pill pill-alert' }, `${totals.drifting} drifting`) : null,
    );
    if (this.#state === 'error' && this.#models.length === 0) {
      replaceChildren(this.#body, h('p', { class: 'error-text', role: 'alert' }, this.#error));
      return;
    }
    if (groups.length === 0) {
      replaceChildren(this.#body, emptyRegistry(this.#state === 'missing'));
      return;
    }
    const now = Date.now();
    replaceChildren(this.#body, ...groups.map((g) => modelPanel(g, now)));
  }
}

function modelPanel(group: ModelGroup, now: number): HTMLElement {
  const newest = group.versions[0];
  return h(
    'section',
    { class: 'panel model-group', 'data-testid': 'model-group', 'data-model': group.name },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { class: 'model-name' }, group.name),
      newest ? h('span', { class: 'muted' }, `${taskLabel(newest.task)} · ${newest.algorithm}`) : null,
      h(
        'div',
        { class: 'panel-summary' },
        `${group.versions.length} version${group.versions.length === 1 ? '' : 's'}`,
        group.deployed ? h('span', { class: 'pill pill-ok' }, `v${group.deployed.version} deployed`) : null,
      ),
    ),
    newest?.description ? h('p', { class: 'model-desc' }, newest.description) : null,
    h('div', { class: 'model-versions' }, ...group.versions.map((v) => versionCard(v, now))),
  );
}

function versionCard(model: ModelSummary, now: number): HTMLElement {
  return h(
    'article',
    {
      class: `model-version status-${model.status}`,
      'data-testid': 'model-version',
      'data-version': model.version,
      'data-status': model.status,
    },
    h(
      'div',
      { class: 'model-version-head' },
      h('span', { class: 'model-v' }, `v${model.version}`),
      h('span', { class: `model-status ${model.status}`, 'data-testid': 'model-status' }, model.status),
      h('span', { class: 'muted' }, model.algorithm),
      h(
        'span',
        { class: 'model-created', title: formatDateTime(model.createdAt) },
        `${formatWhen(model.createdAt, now)} by ${model.createdBy}`,
      ),
    ),
    metricsTable(model.metrics),
    h('dl', { class: 'spc-dl model-facts' }, ...trainingFacts(model, now), ...deploymentFacts(model, now)),
    model.drift ? driftBlock(model.drift, now) : null,
  );
}

function metricsTable(metrics: Readonly<Record<string, number>>): HTMLElement {
  const entries = Object.entries(metrics);
  if (entries.length === 0)
    return h('p', { class: 'muted model-no-metrics' }, 'No evaluation metrics recorded.');
  return h(
    'table',
    { class: 'model-metrics', 'data-testid': 'model-metrics' },
    h(
      'tbody',
      {},
      ...entries.map(([name, value]) =>
        h(
          'tr',
          { 'data-metric': name },
          h('th', { scope: 'row' }, name),
          h('td', { class: 'num', title: String(value) }, formatCompact(value)),
        ),
      ),
    ),
  );
}

function trainingFacts(model: ModelSummary, now: number): HTMLElement[] {
  const { training } = model;
  const window =
    training.from != null && training.to != null ? trainingWindow(training.from, training.to, now) : '';
  const features = model.features;
  return [
    ...fact('Trained on', trainingSource(training)),
    ...(window ? fact('Window', window) : []),
    ...(training.target ? fact('Target', h('span', { class: 'mono' }, training.target)) : []),
    ...fact(
      'Features',
      h(
        'span',
        { title: features.join('\n') },
        features.length <= 3
          ? features.join(', ') || '—'
          : `${features.slice(0, 3).join(', ')} +${features.length - 3} more`,
      ),
    ),
    ...(training.durationMs != null ? fact('Took', formatSpan(training.durationMs)) : []),
  ];
}

function deploymentFacts(model: ModelSummary, now: number): HTMLElement[] {
  const d = model.deployment;
  if (!d) return [];
  const inputs = Object.entries(d.inputs);
  return fact(
    'Deployed',
    h(
      'span',
      { class: 'model-deployment', 'data-testid': 'model-deployment' },
      h('span', { class: 'mono', title: d.asset }, d.asset),
      ` since ${formatWhen(d.since, now)} by ${d.by}`,
      d.threshold != null ? ` · threshold ${formatCompact(d.threshold)}` : '',
      inputs.length > 0
        ? h(
            'span',
            { class: 'model-inputs' },
            ...inputs.map(([feature, tag]) =>
              h(
                'span',
                { class: 'model-input', title: tag },
                `${feature} ← ${tag.slice(tag.lastIndexOf('/') + 1)}`,
              ),
            ),
          )
        : null,
    ),
  );
}

function driftBlock(drift: NonNullable<ModelSummary['drift']>, now: number): HTMLElement {
  const bars = driftBars(drift.psi);
  const significant = drift.level === 'significant';
  return h(
    'div',
    { class: `model-drift drift-${drift.level}`, 'data-testid': 'model-drift', 'data-level': drift.level },
    h(
      'div',
      { class: 'model-drift-head' },
      h(
        'span',
        { class: 'model-drift-title' },
        drift.performance ? 'Drift (inputs and performance)' : 'Input drift (PSI)',
      ),
      h('span', { class: `drift-level ${drift.level}` }, drift.level),
      significant
        ? h('span', { class: 'pill pill-alert', 'data-testid': 'model-retrain' }, 'retrain recommended')
        : null,
      h(
        'span',
        { class: 'model-drift-when', title: formatDateTime(drift.checkedAt) },
        `checked ${formatWhen(drift.checkedAt, now)}`,
      ),
    ),
    h(
      'ul',
      { class: 'drift-bars', title: `Bars end at PSI ${PSI_SCALE}; 0.1 and 0.25 marked` },
      ...bars.map((b) =>
        h(
          'li',
          { 'data-feature': b.feature, 'data-level': b.level },
          h('span', { class: 'drift-feature', title: b.feature }, b.feature),
          h(
            'span',
            { class: 'drift-track' },
            h('span', {
              class: `drift-fill ${b.level}${b.overflow ? ' overflow' : ''}`,
              style: `width: ${(b.fraction * 100).toFixed(1)}%`,
            }),
          ),
          h('span', { class: 'drift-psi' }, formatCompact(b.psi)),
        ),
      ),
    ),
    drift.performance
      ? h(
          'p',
          {
            class: `model-drift-performance drift-${drift.performance.level}`,
            'data-testid': 'model-performance',
            'data-level': drift.performance.level,
          },
          `On ${drift.performance.failures} recent failure${drift.performance.failures === 1 ? '' : 's'}: ` +
            `${drift.performance.metric} ${formatCompact(drift.performance.recent)} ` +
            `(validation ${formatCompact(drift.performance.training)}) — ${drift.performance.level}`,
        )
      : null,
    drift.recommendation ? h('p', { class: 'model-drift-advice' }, drift.recommendation) : null,
  );
}

/** "Nov 8 – Nov 15 (7 d)"; a window within one day keeps its times. */
function trainingWindow(from: number, to: number, now: number): string {
  const sameDay = new Date(from).toDateString() === new Date(to).toDateString();
  const range = sameDay
    ? `${formatWhen(from, now)} – ${formatWhen(to, now)}`
    : `${formatDay(from)} – ${formatDay(to)}`;
  return `${range} (${formatSpan(to - from)})`;
}

function fact(name: string, ...value: (Node | string)[]): HTMLElement[] {
  return [h('dt', {}, name), h('dd', {}, ...value)];
}

/** What an empty registry says: models are trained from the command line or the API, then listed here. */
function emptyRegistry(unsupported: boolean): HTMLElement {
  return h(
    'div',
    { class: 'panel models-empty', 'data-testid': 'models-empty' },
    h('p', {}, h('b', {}, 'No models yet'), ' — train one from the command line or the API, for example'),
    h('code', {}, 'gemba models train …'),
    h(
      'p',
      { class: 'muted' },
      'Each training run adds a version with its metrics; deployed versions score live data and are checked for input drift.',
    ),
    unsupported
      ? h('p', { class: 'muted' }, 'This server does not offer the model registry (no /models endpoint).')
      : null,
  );
}
