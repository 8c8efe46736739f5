/**
 * The Process page: recommended setpoints from the plant's history (process.optimize). A form names the output to
 * improve, the setpoints the optimiser may change with their bounds, the measured context, the window, the goal and
 * how cautious to be; "Recommend" fits the server's surrogate (seconds: the page says so, and a new request aborts
 * the one running). The answer shows each setpoint now and recommended, the predicted output at both ± sd and the
 * improvement, how well the surrogate fits on held-out rows, an extrapolation warning, the response surface over two
 * setpoints (mean or sd) with the history's operating points, and the next trials to run. A recommendation is only
 * ever a proposal: "Propose this change" hands the server's proposal body to proposals.create, and an engineer
 * approves it on the Approvals page. Every figure is the server's; the page only formats and draws them.
 */
import { ApiError, errorMessage, isAbort, type ApiClient } from './api.js';
import { fact, h, messageRow, replaceChildren, tableHead, windowPicker, type WindowPicker } from './dom.js';
import { formatDateTime } from './format.js';
import type { Tag } from './model.js';
import { SurfaceChart } from './process-chart.js';
import {
  GOALS,
  MAX_CONTEXT,
  MAX_CONTROLS,
  PROCESS_WINDOWS,
  boundsText,
  changeText,
  defaultForm,
  extrapolationText,
  goalText,
  isGoal,
  isProcessWindow,
  modelLabel,
  optimizeRequest,
  predictionText,
  r2Text,
  tagName,
  unitSuffix,
  valueText,
  type ControlForm,
  type ProcessForm,
  type ProcessRecommendation,
  type ProcessWindowId,
  type SurfaceLayer,
} from './process-model.js';
import { proposalFragment } from './proposals-model.js';

export interface ProcessPageOptions {
  readonly api: ApiClient;
  /** The plant's tags as the dashboard loaded them (suggestions for the tag fields). */
  readonly tags: () => readonly Tag[];
}

const DATALIST_ID = 'process-tag-options';

export class ProcessPage {
  readonly element: HTMLElement;
  readonly #options: ProcessPageOptions;
  readonly #form: HTMLFormElement;
  readonly #output: HTMLInputElement;
  readonly #goal: HTMLSelectElement;
  readonly #target: HTMLInputElement;
  readonly #kappa: HTMLInputElement;
  readonly #windowPicker: WindowPicker<ProcessWindowId>;
  readonly #controlRows: HTMLElement;
  readonly #contextRows: HTMLElement;
  readonly #recommend: HTMLButtonElement;
  readonly #cancel: HTMLButtonElement;
  readonly #status: HTMLElement;
  readonly #formError: HTMLElement;
  readonly #datalist: HTMLDataListElement;
  readonly #result: HTMLElement;
  readonly #warning: HTMLElement;
  readonly #summary: HTMLElement;
  readonly #controlsBody: HTMLElement;
  readonly #predictions: HTMLElement;
  readonly #proposeArea: HTMLElement;
  readonly #fitFacts: HTMLElement;
  readonly #candidates: HTMLElement;
  readonly #surfaceHead: HTMLElement;
  readonly #layerPicker: HTMLElement;
  readonly #chart: SurfaceChart;
  readonly #trialsHead: HTMLElement;
  readonly #trials: HTMLTableElement;

  #window: ProcessWindowId = '24h';
  #layer: SurfaceLayer = 'mean';
  #data: ProcessRecommendation | undefined;
  #request: AbortController | undefined;
  #ticker: number | undefined;

  constructor(options: ProcessPageOptions) {
    this.#options = options;
    const initial = defaultForm();
    this.#datalist = h('datalist', { id: DATALIST_ID });
    this.#output = tagInput(initial.output, 'Output tag', 'process-output');
    this.#goal = h(
      'select',
      { 'aria-label': 'Goal', 'data-testid': 'process-goal' },
      ...GOALS.map((g) => h('option', { value: g.id }, g.label)),
    );
    this.#goal.value = initial.goal;
    this.#target = h('input', {
      type: 'number',
      step: 'any',
      class: 'process-number',
      placeholder: 'target',
      'aria-label': 'Target value',
      'data-testid': 'process-target',
      hidden: true,
    });
    this.#goal.addEventListener('change', () => (this.#target.hidden = this.#goal.value !== 'target'));
    this.#kappa = h('input', {
      type: 'number',
      min: 0,
      max: 5,
      step: 0.1,
      value: initial.kappa,
      class: 'process-number',
      'aria-label': 'Caution kappa',
      'data-testid': 'process-kappa',
      title: 'The search minimises the predicted loss + kappa × its sd: higher stays nearer the history',
    });
    this.#windowPicker = windowPicker(PROCESS_WINDOWS, this.#window, isProcessWindow, (id) => {
      this.#window = id;
      this.#windowPicker.select(id);
    });
    this.#windowPicker.element.dataset['testid'] = 'process-window';

    this.#controlRows = h('tbody', { 'data-testid': 'process-control-inputs' });
    for (const c of initial.controls) this.#controlRows.append(controlRow(c));
    this.#contextRows = h('tbody', { 'data-testid': 'process-context-inputs' });
    for (const t of initial.context) this.#contextRows.append(contextRow(t));
    const addControl = h('button', { type: 'button', class: 'ghost' }, '+ Setpoint');
    addControl.addEventListener('click', () => {
      if (this.#controlRows.children.length < MAX_CONTROLS)
        this.#controlRows.append(controlRow({ tag: '', min: '', max: '' }));
    });
    const addContext = h('button', { type: 'button', class: 'ghost' }, '+ Context tag');
    addContext.addEventListener('click', () => {
      if (this.#contextRows.children.length < MAX_CONTEXT) this.#contextRows.append(contextRow(''));
    });
    for (const rows of [this.#controlRows, this.#contextRows]) {
      rows.addEventListener('click', (event) => {
        if (event.target instanceof Element && event.target.closest('[data-remove]'))
          event.target.closest('tr')?.remove();
      });
    }

    this.#recommend = h(
      'button',
      { type: 'submit', class: 'primary', 'data-testid': 'process-recommend' },
      'Recommend',
    );
    this.#cancel = h(
      'button',
      { type: 'button', class: 'ghost', 'data-testid': 'process-cancel', hidden: true },
      'Cancel',
    );
    this.#cancel.addEventListener('click', () => this.#abort('Cancelled.'));
    this.#status = h(
      'span',
      { class: 'muted process-status', 'data-testid': 'process-status', role: 'status' },
      'Fits a surrogate of the output on the history (a few seconds) and recommends setpoints.',
    );
    this.#formError = h('p', {
      class: 'error-text process-form-error',
      'data-testid': 'process-error',
      hidden: true,
    });

    this.#form = h(
      'form',
      { class: 'process-form', 'data-testid': 'process-form' },
      h(
        'div',
        { class: 'process-form-row' },
        h('label', { class: 'process-field process-field-wide' }, h('span', {}, 'Output'), this.#output),
        h(
          'label',
          { class: 'process-field' },
          h('span', {}, 'Goal'),
          h('span', { class: 'process-inline' }, this.#goal, this.#target),
        ),
        h('div', { class: 'process-field' }, h('span', {}, 'History'), this.#windowPicker.element),
        h('label', { class: 'process-field' }, h('span', {}, 'Caution (kappa)'), this.#kappa),
      ),
      h(
        'div',
        { class: 'process-form-row' },
        h(
          'div',
          { class: 'process-field process-field-wide' },
          h('span', {}, 'Setpoints the optimiser may change (bounds blank: the tag’s spec limits)'),
          h('table', { class: 'process-input-table' }, tableHead('Tag', 'Min', 'Max', ''), this.#controlRows),
          addControl,
        ),
        h(
          'div',
          { class: 'process-field process-field-wide' },
          h('span', {}, 'Measured context (held at its current value)'),
          h('table', { class: 'process-input-table' }, tableHead('Tag', ''), this.#contextRows),
          addContext,
        ),
      ),
      h('div', { class: 'process-actions' }, this.#recommend, this.#cancel, this.#status),
      this.#formError,
      this.#datalist,
    );
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.recommend();
    });
    // While a fit runs, a changed form may be asked again (which aborts the running one).
    this.#form.addEventListener('input', () => {
      if (this.#request) this.#recommend.disabled = false;
    });

    // ---- the answer ----
    this.#warning = h('div', {
      class: 'process-warning',
      role: 'alert',
      'data-testid': 'process-extrapolation',
      hidden: true,
    });
    this.#summary = h('div', { class: 'panel-summary', 'data-testid': 'process-summary' });
    this.#controlsBody = h('tbody', {});
    this.#predictions = h('dl', { class: 'process-predictions', 'data-testid': 'process-predictions' });
    this.#proposeArea = h('div', { class: 'process-propose', 'data-testid': 'process-propose-area' });
    this.#fitFacts = h('dl', { class: 'process-facts', 'data-testid': 'process-fit' });
    this.#candidates = h('tbody', {});
    this.#surfaceHead = h('div', { class: 'panel-summary' });
    this.#layerPicker = h(
      'div',
      { class: 'segmented', role: 'group', 'aria-label': 'Surface layer', 'data-testid': 'process-layer' },
      h('button', { type: 'button', 'data-layer': 'mean', 'aria-pressed': 'true' }, 'Mean'),
      h('button', { type: 'button', 'data-layer': 'sd', 'aria-pressed': 'false' }, 'Uncertainty (sd)'),
    );
    this.#layerPicker.addEventListener('click', (event) => {
      if (!(event.target instanceof Element)) return;
      const layer = event.target.closest<HTMLElement>('[data-layer]')?.dataset['layer'];
      if ((layer === 'mean' || layer === 'sd') && layer !== this.#layer) this.setLayer(layer);
    });
    this.#chart = new SurfaceChart();
    this.#trialsHead = h('div', { class: 'panel-summary' });
    this.#trials = h('table', { class: 'live-table process-trials', 'data-testid': 'process-trials' });

    this.#result = h(
      'div',
      { class: 'process-result', 'data-testid': 'process-result', hidden: true },
      this.#warning,
      h(
        'div',
        { class: 'process-main' },
        h(
          'section',
          { class: 'panel', 'aria-label': 'Recommendation' },
          h('div', { class: 'panel-head' }, h('h2', {}, 'Recommendation'), this.#summary),
          h(
            'table',
            { class: 'live-table process-controls', 'data-testid': 'process-controls' },
            tableHead(
              'Setpoint',
              ['Current', { class: 'num' }],
              ['Recommended', { class: 'num' }],
              ['Change', { class: 'num' }],
              ['Bounds', { class: 'num' }],
              'Unit',
            ),
            this.#controlsBody,
          ),
          this.#predictions,
          this.#proposeArea,
        ),
        h(
          'section',
          {
            class: 'panel process-surface',
            'aria-label': 'Response surface',
            'data-testid': 'process-surface',
          },
          h(
            'div',
            { class: 'panel-head' },
            h('h2', {}, 'Response surface'),
            this.#layerPicker,
            this.#surfaceHead,
          ),
          h(
            'div',
            { class: 'process-legend-row' },
            h('span', { class: 'legend-item' }, h('i', { class: 'key-history' }), 'history (bucket means)'),
            h('span', { class: 'legend-item' }, h('i', { class: 'key-current' }), 'current'),
            h('span', { class: 'legend-item' }, h('b', { class: 'key-recommended' }, '★'), 'recommended'),
          ),
          this.#chart.element,
        ),
      ),
      h(
        'div',
        { class: 'process-main' },
        h(
          'section',
          { class: 'panel', 'aria-label': 'Fit' },
          h('div', { class: 'panel-head' }, h('h2', {}, 'Fit on held-out rows')),
          this.#fitFacts,
          h(
            'table',
            { class: 'live-table process-candidates', 'data-testid': 'process-candidates' },
            tableHead('Model compared', ['R²', { class: 'num' }], ['RMSE', { class: 'num' }]),
            this.#candidates,
          ),
        ),
        h(
          'section',
          { class: 'panel', 'aria-label': 'Next trials' },
          h('div', { class: 'panel-head' }, h('h2', {}, 'Next trials'), this.#trialsHead),
          this.#trials,
        ),
      ),
    );

    this.element = h(
      'main',
      { class: 'models-layout process-layout', 'data-testid': 'process-view' },
      h(
        'div',
        { class: 'models-head' },
        h('h2', {}, 'Process'),
        h(
          'span',
          { class: 'muted' },
          'Setpoints recommended from the history — a proposal an engineer approves, never written directly',
        ),
      ),
      h('section', { class: 'panel process-form-panel', 'aria-label': 'Request' }, this.#form),
      this.#result,
    );
  }

  /** The answer shown, if any. */
  get data(): ProcessRecommendation | undefined {
    return this.#data;
  }

  setVisible(visible: boolean): void {
    if (visible) this.#fillTagOptions();
  }

  setLayer(layer: SurfaceLayer): void {
    this.#layer = layer;
    for (const b of this.#layerPicker.querySelectorAll<HTMLElement>('[data-layer]'))
      b.setAttribute('aria-pressed', String(b.dataset['layer'] === layer));
    this.#drawSurface();
  }

  /** Asks for a recommendation with the form as it is; a request still running is aborted. */
  async recommend(): Promise<void> {
    const built = optimizeRequest(this.#readForm(), Date.now());
    if (!built.ok) {
      this.#showFormError(built.error);
      return;
    }
    this.#showFormError('');
    this.#request?.abort();
    const controller = new AbortController();
    this.#request = controller;
    this.#startProgress();
    try {
      const data = await this.#options.api.optimizeProcess(built.request, controller.signal);
      if (controller.signal.aborted) return;
      this.#data = data;
      this.#status.textContent = `Fitted ${data.rows.fitted} of ${data.rows.available} rows at ${formatDateTime(Date.now())}`;
      this.#render(data);
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      this.#status.textContent = '';
      this.#showFormError(`Could not recommend: ${errorMessage(error)}`);
    } finally {
      if (this.#request === controller) {
        this.#request = undefined;
        this.#stopProgress();
      }
    }
  }

  #abort(message: string): void {
    this.#request?.abort();
    this.#request = undefined;
    this.#stopProgress();
    this.#status.textContent = message;
  }

  #startProgress(): void {
    const started = Date.now();
    this.#recommend.disabled = true;
    this.#cancel.hidden = false;
    this.element.classList.add('fitting');
    const tick = () => {
      this.#status.textContent = `fitting… ${Math.floor((Date.now() - started) / 1000)} s`;
    };
    tick();
    window.clearInterval(this.#ticker);
    this.#ticker = window.setInterval(tick, 1000);
  }

  #stopProgress(): void {
    window.clearInterval(this.#ticker);
    this.#ticker = undefined;
    this.#recommend.disabled = false;
    this.#cancel.hidden = true;
    this.element.classList.remove('fitting');
  }

  #showFormError(message: string): void {
    this.#formError.hidden = message === '';
    this.#formError.textContent = message;
  }

  #readForm(): ProcessForm {
    const value = (row: Element, name: string) =>
      row.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.value ?? '';
    const controls: ControlForm[] = [...this.#controlRows.querySelectorAll('tr')].map((row) => ({
      tag: value(row, 'tag'),
      min: value(row, 'min'),
      max: value(row, 'max'),
    }));
    const context = [...this.#contextRows.querySelectorAll('tr')].map((row) => value(row, 'tag'));
    const goal = this.#goal.value;
    return {
      output: this.#output.value,
      controls,
      context,
      window: this.#window,
      goal: isGoal(goal) ? goal : 'min',
      target: this.#target.value,
      kappa: this.#kappa.value,
    };
  }

  #fillTagOptions(): void {
    const numeric = this.#options.tags().filter((t) => t.dataType === 'float' || t.dataType === 'integer');
    replaceChildren(
      this.#datalist,
      ...numeric.map((t) => h('option', { value: t.path }, t.description ?? t.name)),
    );
  }

  #render(data: ProcessRecommendation): void {
    this.#result.hidden = false;
    const unit = data.output.unit;

    this.#warning.hidden = !data.extrapolation.warning;
    replaceChildren(this.#warning, h('strong', {}, 'Extrapolation: '), extrapolationText(data.extrapolation));

    replaceChildren(this.#summary, goalText(data.output));
    replaceChildren(
      this.#controlsBody,
      ...data.controls.map((c) =>
        h(
          'tr',
          { 'data-control': c.tag, class: c.change !== 0 && c.change !== null ? 'changed' : undefined },
          h('td', { title: c.tag }, tagName(c.tag)),
          h('td', { class: 'num', 'data-cell': 'current' }, valueText(c.current)),
          h('td', { class: 'num strong', 'data-cell': 'recommended' }, valueText(c.recommended)),
          h('td', { class: 'num', 'data-cell': 'change' }, changeText(c.change)),
          h('td', { class: 'num', 'data-cell': 'bounds' }, boundsText(c)),
          h('td', { 'data-cell': 'unit' }, unitSuffix(c.unit).trim()),
        ),
      ),
      ...data.context.map((c) =>
        h(
          'tr',
          { 'data-context': c.tag, class: 'context-row' },
          h('td', { title: c.tag }, tagName(c.tag), h('span', { class: 'muted' }, ' (context)')),
          h('td', { class: 'num', 'data-cell': 'current' }, valueText(c.current)),
          h('td', { class: 'num muted' }, 'held'),
          h('td', {}),
          h('td', {}),
          h('td', {}, unitSuffix(c.unit).trim()),
        ),
      ),
    );

    const name = tagName(data.output.tag);
    replaceChildren(
      this.#predictions,
      ...fact(`Predicted ${name} now`, predictionText(data.predicted.current, unit), 'predicted-current'),
      ...fact(
        `Predicted ${name} recommended`,
        predictionText(data.predicted.recommended, unit),
        'predicted-recommended',
      ),
      ...fact('Improvement', predictionText(data.improvement, unit), 'improvement'),
    );

    this.#renderPropose(data);

    replaceChildren(
      this.#fitFacts,
      ...fact('Cross-validated R²', r2Text(data.fit.r2), 'r2'),
      ...fact('RMSE', `${valueText(data.fit.rmse)}${unitSuffix(unit)}`, 'rmse'),
      ...fact('Folds', String(data.fit.folds), 'folds'),
      ...fact('Rows', `${data.rows.fitted} fitted of ${data.rows.available}`, 'rows'),
      ...fact(
        'Surrogate',
        `${data.surrogate.kind} (${data.surrogate.kernel}, ${data.surrogate.trend} trend), noise sd ${valueText(data.surrogate.noiseSd)}`,
        'surrogate',
      ),
      ...fact('Search', data.search, 'search'),
      ...fact('Window', `${formatDateTime(data.window.from)} – ${formatDateTime(data.window.to)}`, 'window'),
    );
    replaceChildren(
      this.#candidates,
      ...data.fit.candidates.map((c) =>
        h(
          'tr',
          { 'data-model': c.model },
          h('td', { title: c.model }, modelLabel(c.model)),
          h('td', { class: 'num' }, r2Text(c.r2)),
          h('td', { class: 'num' }, valueText(c.rmse)),
        ),
      ),
    );

    replaceChildren(
      this.#surfaceHead,
      `${data.surface.x.values.length} × ${data.surface.y.values.length} grid · ${data.surface.points.x.length} points`,
    );
    this.#drawSurface();
    this.#renderTrials(data);
  }

  #renderPropose(data: ProcessRecommendation): void {
    const proposal = data.proposal;
    if (!proposal) {
      replaceChildren(
        this.#proposeArea,
        h(
          'p',
          { class: 'muted', 'data-testid': 'process-no-change' },
          'The current setpoints are already the best the model finds: nothing to propose.',
        ),
      );
      return;
    }
    const button = h(
      'button',
      { type: 'button', class: 'primary', 'data-testid': 'process-propose' },
      'Propose this change',
    );
    const outcome = h('span', { class: 'process-propose-outcome', role: 'status' });
    button.addEventListener('click', () => {
      button.disabled = true;
      replaceChildren(outcome, 'proposing…');
      this.#options.api.createProposal(proposal).then(
        (created) => {
          replaceChildren(
            outcome,
            h(
              'span',
              { 'data-testid': 'process-proposal' },
              `Proposal ${created.id} waits for the ${created.requiredRole} role to approve it — `,
              h(
                'a',
                { href: `#${proposalFragment(created.id)}`, 'data-testid': 'process-proposal-link' },
                'open it in Approvals',
              ),
            ),
          );
        },
        (error: unknown) => {
          button.disabled = false;
          const text =
            error instanceof ApiError && error.status === 403
              ? `Not allowed to propose: ${error.message}`
              : `Could not propose: ${errorMessage(error)}`;
          replaceChildren(
            outcome,
            h('span', { class: 'error-text', 'data-testid': 'process-propose-error' }, text),
          );
        },
      );
    });
    replaceChildren(
      this.#proposeArea,
      h('p', { class: 'muted process-reason' }, proposal.reason ?? ''),
      h('div', { class: 'process-propose-row' }, button, outcome),
    );
  }

  #drawSurface(): void {
    const data = this.#data;
    if (!data) return;
    this.#chart.setData({
      surface: data.surface,
      controls: data.controls,
      output: data.output,
      layer: this.#layer,
    });
  }

  #renderTrials(data: ProcessRecommendation): void {
    const names = data.controls.map((c) => c.tag);
    replaceChildren(this.#trialsHead, data.nextTrials.design);
    const rows = data.nextTrials.rows;
    replaceChildren(
      this.#trials,
      tableHead(
        ...names.map((n) => [tagName(n), { class: 'num', title: n }] as const),
        [`Predicted${unitSuffix(data.output.unit)}`, { class: 'num' }],
        'Why',
      ),
      h(
        'tbody',
        {},
        ...(rows.length === 0
          ? [messageRow(names.length + 2, 'No trials suggested.', false)]
          : rows.map((r, k) =>
              h(
                'tr',
                { 'data-trial': k },
                ...names.map((n) => h('td', { class: 'num' }, valueText(r.values[n]))),
                h('td', { class: 'num' }, `${valueText(r.mean)} ± ${valueText(r.sd)}`),
                h('td', { class: 'process-why' }, r.why),
              ),
            )),
      ),
    );
  }
}

function tagInput(value: string, label: string, testid?: string): HTMLInputElement {
  const input = h('input', {
    type: 'text',
    name: 'tag',
    class: 'process-tag',
    list: DATALIST_ID,
    spellcheck: 'false',
    'aria-label': label,
    ...(testid ? { 'data-testid': testid } : {}),
  });
  input.value = value;
  return input;
}

function numberInput(name: string, value: string, label: string): HTMLInputElement {
  const input = h('input', {
    type: 'number',
    step: 'any',
    name,
    class: 'process-number',
    'aria-label': label,
  });
  input.value = value;
  return input;
}

function removeButton(): HTMLButtonElement {
  return h('button', { type: 'button', class: 'ghost', 'data-remove': true, title: 'Remove' }, '×');
}

function controlRow(c: ControlForm): HTMLTableRowElement {
  return h(
    'tr',
    {},
    h('td', {}, tagInput(c.tag, 'Setpoint tag')),
    h('td', {}, numberInput('min', c.min, 'Minimum')),
    h('td', {}, numberInput('max', c.max, 'Maximum')),
    h('td', {}, removeButton()),
  );
}

function contextRow(tag: string): HTMLTableRowElement {
  return h('tr', {}, h('td', {}, tagInput(tag, 'Context tag')), h('td', {}, removeButton()));
}
