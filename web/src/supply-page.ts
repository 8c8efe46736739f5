/**
 * The Supply page: the items with their latest forecast (model, next period and its 80 % interval); for the selected
 * item, the server's fan chart, how the candidate methods scored on a rolling origin (the chosen one marked), how its
 * recent forecasts are doing as demand comes in (a biased one flagged), and the stocking policy for a service target
 * and review mode with what to do now. A planner can forecast an item anew. Loaded when the page shows.
 */
import { ApiError, errorMessage, isAbort, type ApiClient } from './api.js';
import {
  fact,
  h,
  messageRow,
  onRowPick,
  replaceChildren,
  tableHead,
  windowPicker,
  type Column,
  type WindowPicker,
} from './dom.js';
import { formatCompact, formatDateTime, formatDay } from './format.js';
import { formatWhen } from './spc-model.js';
import {
  ACCURACY_LEVELS,
  ACCURACY_LIMIT,
  DEFAULT_TARGET,
  MAX_REVIEW,
  REFORECAST_HORIZON,
  SERVICE_TARGETS,
  accuracyRow,
  amount,
  fanChartWidth,
  forecastText,
  intervalLevels,
  kindLabel,
  nextPeriod,
  periodsLabel,
  policyQuery,
  reviewPeriod,
  scoreRows,
  targetLabel,
  units,
  urgency,
  type AccuracyResponse,
  type ForecastRecord,
  type InventoryPolicy,
  type Item,
  type Review,
} from './supply-model.js';
import { showServerSvg, showServerSvgError } from './svg.js';

const FAN_CHART = 'fan chart';
const REVIEW_MODES = [
  { id: 'continuous', label: 'Continuous (s, S)' },
  { id: 'periodic', label: 'Periodic (R, S)' },
] as const;
type ReviewMode = (typeof REVIEW_MODES)[number]['id'];
function isReviewMode(value: string | undefined): value is ReviewMode {
  return REVIEW_MODES.some((m) => m.id === value);
}

export interface SupplyPageOptions {
  readonly api: ApiClient;
  /** The selected item changed (for the address bar). */
  readonly onSelect: () => void;
  readonly onError: (message: string) => void;
}

export class SupplyPage {
  readonly element: HTMLElement;
  readonly #options: SupplyPageOptions;
  readonly #summary: HTMLElement;
  readonly #itemRows: HTMLElement;
  readonly #forecastHead: HTMLElement;
  readonly #forecastFacts: HTMLElement;
  readonly #chart: HTMLElement;
  readonly #reforecast: HTMLButtonElement;
  readonly #reforecastStatus: HTMLElement;
  readonly #scoresSummary: HTMLElement;
  readonly #scores: HTMLElement;
  readonly #accuracyHead: HTMLElement;
  readonly #accuracySummary: HTMLElement;
  readonly #accuracy: HTMLElement;
  readonly #target: HTMLSelectElement;
  readonly #reviewPicker: WindowPicker<ReviewMode>;
  readonly #reviewEvery: HTMLInputElement;
  readonly #reviewEveryLabel: HTMLElement;
  readonly #recommendation: HTMLElement;
  readonly #policyFacts: HTMLElement;

  #items: Item[] = [];
  /** The latest forecast of each item; null where it has none yet. */
  #forecasts = new Map<string, ForecastRecord | null>();
  /** The items' forecasts that could not be loaded, and why. */
  #forecastErrors = new Map<string, string>();
  #selected: string | undefined;
  #review: Review = { kind: 'continuous' };
  #loaded = false;
  #error = '';
  #visible = false;
  /** The item whose fan chart is showing (kept while a refresh of the same item loads). */
  #chartItem: string | undefined;
  #listRequest: AbortController | undefined;
  #chartRequest: AbortController | undefined;
  #policyRequest: AbortController | undefined;
  #accuracyRequest: AbortController | undefined;

  constructor(options: SupplyPageOptions) {
    this.#options = options;
    this.#summary = h('div', { class: 'panel-summary' });
    this.#itemRows = h('tbody', {});
    onRowPick(this.#itemRows, 'item', (id) => this.select(id));

    this.#forecastHead = h('div', { class: 'panel-head' }, h('h2', {}, 'Forecast'));
    this.#forecastFacts = h('p', { class: 'supply-forecast-facts muted' });
    this.#chart = h(
      'div',
      { class: 'gantt fan-chart', 'data-testid': 'fan-chart' },
      h('p', { class: 'empty' }, 'Loading…'),
    );
    this.#reforecast = h(
      'button',
      {
        type: 'button',
        class: 'ghost',
        'data-testid': 'reforecast',
        title: `Forecast this item ${REFORECAST_HORIZON} periods ahead again from its demand history (planner role)`,
      },
      'Re-forecast',
    );
    this.#reforecast.addEventListener('click', () => void this.#runForecast());
    this.#reforecastStatus = h('span', { class: 'proposal-status', role: 'status' });

    this.#scoresSummary = h('div', { class: 'panel-summary' });
    this.#scores = h('div', { class: 'supply-scores', 'data-testid': 'forecast-scores' });

    this.#accuracyHead = h('div', { class: 'panel-summary' });
    this.#accuracySummary = h('p', {
      class: 'supply-accuracy-summary',
      'data-testid': 'accuracy-summary',
      role: 'status',
    });
    this.#accuracy = h('div', { class: 'supply-accuracy-table', 'data-testid': 'forecast-accuracy' });

    this.#target = h(
      'select',
      { class: 'supply-target', 'data-testid': 'service-target', 'aria-label': 'Service target' },
      ...SERVICE_TARGETS.map((t) =>
        h('option', { value: t.id, selected: t.id === DEFAULT_TARGET.id }, targetLabel(t)),
      ),
    );
    this.#target.addEventListener('change', () => void this.#loadPolicy());
    this.#reviewPicker = windowPicker(REVIEW_MODES, 'continuous', isReviewMode, (mode) =>
      this.#setReview(mode),
    );
    this.#reviewPicker.element.setAttribute('aria-label', 'Review');
    this.#reviewPicker.element.dataset['testid'] = 'review-mode';
    this.#reviewEvery = h('input', {
      type: 'number',
      class: 'supply-review-every',
      min: 1,
      max: MAX_REVIEW,
      step: 1,
      value: 1,
      'data-testid': 'review-every',
      'aria-label': 'Review period in periods',
    });
    this.#reviewEvery.addEventListener('input', () => {
      const every = reviewPeriod(this.#reviewEvery.value);
      this.#reviewEvery.setCustomValidity(
        every === undefined ? `A whole number of periods, 1 to ${MAX_REVIEW}` : '',
      );
      if (every === undefined || this.#review.kind !== 'periodic') return;
      this.#review = { kind: 'periodic', every };
      this.#renderReviewLabel();
      void this.#loadPolicy();
    });
    this.#reviewEveryLabel = h('span', { class: 'muted' });
    this.#recommendation = h('p', {
      class: 'supply-recommendation',
      'data-testid': 'policy-recommendation',
      role: 'status',
    });
    this.#policyFacts = h('dl', { class: 'spc-dl supply-policy-facts', 'data-testid': 'policy-facts' });

    this.element = h(
      'main',
      { class: 'models-layout supply-layout', 'data-testid': 'supply-view' },
      h(
        'div',
        { class: 'models-head' },
        h('h2', {}, 'Supply'),
        h('span', { class: 'muted' }, 'demand forecasts and the stocking policies that follow from them'),
      ),
      h(
        'section',
        { class: 'panel', 'data-testid': 'supply-items', 'aria-label': 'Items' },
        h('div', { class: 'panel-head' }, h('h2', {}, 'Items'), this.#summary),
        h(
          'table',
          { class: 'live-table supply-items' },
          tableHead('Item', 'Kind', 'Unit', 'Period', 'Model', [
            'Next period (80 % interval)',
            { class: 'num' },
          ]),
          this.#itemRows,
        ),
      ),
      h(
        'div',
        { class: 'supply-detail' },
        h(
          'section',
          { class: 'panel supply-forecast', 'data-testid': 'supply-forecast', 'aria-label': 'Forecast' },
          this.#forecastHead,
          this.#forecastFacts,
          this.#chart,
        ),
        h(
          'section',
          { class: 'panel supply-candidates', 'aria-label': 'Candidate methods' },
          h(
            'div',
            { class: 'panel-head' },
            h('h2', {}, 'Candidates on a rolling origin'),
            this.#scoresSummary,
          ),
          this.#scores,
        ),
        h(
          'section',
          {
            class: 'panel supply-accuracy',
            'data-testid': 'supply-accuracy',
            'aria-label': 'How the forecasts are doing',
          },
          h('div', { class: 'panel-head' }, h('h2', {}, 'How the forecasts are doing'), this.#accuracyHead),
          this.#accuracySummary,
          this.#accuracy,
        ),
        h(
          'section',
          { class: 'panel supply-policy', 'data-testid': 'supply-policy', 'aria-label': 'Stocking policy' },
          h('div', { class: 'panel-head' }, h('h2', {}, 'Stocking policy')),
          h(
            'div',
            { class: 'supply-policy-controls' },
            h('label', {}, h('span', { class: 'muted' }, 'Service target'), this.#target),
            h(
              'div',
              { class: 'supply-review' },
              h('span', { class: 'muted' }, 'Review'),
              this.#reviewPicker.element,
              h(
                'label',
                { class: 'supply-review-period' },
                'every',
                this.#reviewEvery,
                this.#reviewEveryLabel,
              ),
            ),
          ),
          this.#recommendation,
          this.#policyFacts,
        ),
      ),
    );
    this.#renderReviewLabel();
  }

  /** The selected item, for the address bar. */
  get selected(): string | undefined {
    return this.#selected;
  }

  /** Shows an item's forecast and policy (or remembers it for when the list has loaded). */
  select(id: string): void {
    if (id === this.#selected) return;
    this.#selected = id;
    this.#setStatus('');
    this.#options.onSelect();
    if (!this.#loaded) return;
    this.#renderItems();
    this.#loadDetail();
  }

  setVisible(visible: boolean): void {
    const shown = visible && !this.#visible;
    this.#visible = visible;
    if (shown) void this.#load();
  }

  /** Loads the page again if it shows; otherwise it loads when it next shows. */
  refresh(): void {
    if (this.#visible) void this.#load();
  }

  /** The items and each one's latest forecast; then the selected item's chart and policy. */
  async #load(): Promise<void> {
    this.#listRequest?.abort();
    const controller = new AbortController();
    this.#listRequest = controller;
    const { api } = this.#options;
    const signal = controller.signal;
    try {
      const items = await api.items(signal);
      // One request per item (the API has no "latest forecast of every item"); an item's failure is its own.
      const forecasts = await Promise.all(
        items.map((item) =>
          api.forecasts({ item: item.id, limit: 1 }, signal).then(
            (list) => ({ item: item.id, forecast: list[0] ?? null, error: '' }),
            (error: unknown) => {
              if (isAbort(error) || signal.aborted) throw error;
              return { item: item.id, forecast: undefined, error: errorMessage(error) };
            },
          ),
        ),
      );
      if (signal.aborted) return;
      this.#items = items;
      this.#forecasts = new Map();
      this.#forecastErrors = new Map();
      for (const f of forecasts) {
        if (f.forecast !== undefined) this.#forecasts.set(f.item, f.forecast);
        else this.#forecastErrors.set(f.item, f.error);
      }
      this.#loaded = true;
      this.#error = '';
      const first = items[0];
      if (first && !items.some((i) => i.id === this.#selected)) {
        this.#selected = first.id;
        this.#options.onSelect();
      }
      this.#renderItems();
      this.#loadDetail();
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      if (error instanceof ApiError && error.status === 401) return;
      const first = this.#error === '';
      this.#error = errorMessage(error);
      if (first) this.#options.onError(`Could not load the supply items: ${this.#error}`);
      this.#renderItems();
    } finally {
      if (this.#listRequest === controller) this.#listRequest = undefined;
    }
  }

  #renderItems(): void {
    const items = this.#items;
    const forecast = (id: string) => this.#forecasts.get(id);
    const noForecasts = items.filter((i) => !forecast(i.id)).length;
    replaceChildren(
      this.#summary,
      `${items.length} item${items.length === 1 ? '' : 's'}`,
      noForecasts > 0 && this.#loaded
        ? h('span', { class: 'pill pill-warn' }, `${noForecasts} without a forecast`)
        : null,
    );
    if (items.length === 0) {
      replaceChildren(
        this.#itemRows,
        messageRow(
          6,
          this.#error ||
            (this.#loaded
              ? 'No items yet — add them with items.put (POST /api/v1/items), their demand with demand.put.'
              : 'Loading items…'),
          Boolean(this.#error),
        ),
      );
      return;
    }
    replaceChildren(
      this.#itemRows,
      ...items.map((item) => {
        const latest = forecast(item.id);
        const next = latest ? nextPeriod(latest) : undefined;
        const error = this.#forecastErrors.get(item.id);
        const selected = item.id === this.#selected;
        return h(
          'tr',
          {
            'data-item': item.id,
            class: selected ? 'charted' : undefined,
            tabindex: 0,
            'aria-selected': String(selected),
          },
          h(
            'td',
            { class: 'supply-item-name' },
            h('span', {}, item.name ?? item.id),
            item.name ? ' ' : null,
            item.name ? h('span', { class: 'mono muted' }, item.id) : null,
          ),
          h('td', {}, kindLabel(item.kind)),
          h('td', {}, item.unit),
          h('td', {}, item.period),
          h(
            'td',
            { class: 'supply-model', title: latest?.model ?? '' },
            error
              ? h('span', { class: 'error-text' }, error)
              : latest
                ? latest.model
                : h('span', { class: 'muted' }, 'no forecast yet'),
          ),
          h(
            'td',
            {
              class: 'num',
              'data-testid': 'item-next-forecast',
              title: next ? `${item.period} of ${formatDay(next.ts)}` : '',
            },
            next ? forecastText(next) : '—',
          ),
        );
      }),
    );
  }

  /** The selected item's forecast (from the list), then its fan chart, its forecasts' accuracy and policy. */
  #loadDetail(): void {
    const item = this.#items.find((i) => i.id === this.#selected);
    this.#renderForecast(item);
    this.#renderScores(item);
    void this.#loadChart(item);
    void this.#loadAccuracy(item);
    void this.#loadPolicy();
  }

  #renderForecast(item: Item | undefined): void {
    const forecast = item ? this.#forecasts.get(item.id) : undefined;
    replaceChildren(
      this.#forecastHead,
      h('h2', {}, 'Forecast'),
      item
        ? h('span', { class: 'supply-item-title', 'data-testid': 'supply-item-title' }, item.name ?? item.id)
        : null,
      forecast
        ? h('span', { class: 'supply-model-name', 'data-testid': 'forecast-model' }, forecast.model)
        : null,
      h('div', { class: 'panel-summary' }, this.#reforecastStatus, item ? this.#reforecast : null),
    );
    if (!item || !forecast) {
      replaceChildren(this.#forecastFacts);
      return;
    }
    const levels = intervalLevels(forecast).map((l) => `${l} %`);
    replaceChildren(
      this.#forecastFacts,
      `${forecast.mean.length} ${periodsLabel(item.period, forecast.mean.length)} ahead from ${formatDay(forecast.firstTs)}, `,
      `fitted on ${forecast.history.periods} ${periodsLabel(item.period, forecast.history.periods)} of demand`,
      levels.length > 0 ? ` · ${levels.join(' and ')} prediction intervals` : '',
      ' · ',
      h(
        'span',
        { title: formatDateTime(forecast.createdAt) },
        `made ${formatWhen(forecast.createdAt, Date.now())} by ${forecast.createdBy}`,
      ),
    );
  }

  #renderScores(item: Item | undefined): void {
    const forecast = item ? this.#forecasts.get(item.id) : undefined;
    if (!forecast || forecast.scores.length === 0) {
      replaceChildren(this.#scoresSummary);
      replaceChildren(
        this.#scores,
        h(
          'p',
          { class: 'empty' },
          forecast ? 'This forecast was not chosen among candidates.' : 'No forecast to score.',
        ),
      );
      return;
    }
    const rows = scoreRows(forecast);
    const levels = intervalLevels(forecast);
    const origins = Math.max(...forecast.scores.map((s) => s.origins));
    replaceChildren(
      this.#scoresSummary,
      `${rows.length} candidates · ${origins} origin${origins === 1 ? '' : 's'} · ${forecast.mean.length} ${periodsLabel(forecast.period, forecast.mean.length)} ahead`,
    );
    const best = (row: (typeof rows)[number], key: 'smape' | 'mase' | 'rmsse') =>
      row.best.has(key) ? 'num best' : 'num';
    replaceChildren(
      this.#scores,
      h(
        'table',
        { class: 'live-table supply-score-table' },
        tableHead(
          'Method',
          ['sMAPE', { class: 'num', title: 'Symmetric mean absolute percentage error (M4)' }],
          ['MASE', { class: 'num', title: 'Mean absolute scaled error (M4)' }],
          ['RMSSE', { class: 'num', title: 'Root mean squared scaled error (M5)' }],
          ...levels.map((l): Column => [
            `${l} % coverage`,
            { class: 'num', title: `Share of actual demand inside the ${l} % interval` },
          ]),
          ['Origins', { class: 'num' }],
        ),
        h(
          'tbody',
          {},
          ...rows.map((row) =>
            h(
              'tr',
              { 'data-method': row.method, class: row.chosen ? 'chosen' : undefined },
              h(
                'td',
                {},
                row.method,
                row.chosen
                  ? h(
                      'span',
                      { class: 'pill pill-ok', 'data-testid': 'chosen-method', title: forecast.model },
                      'chosen',
                    )
                  : null,
              ),
              h('td', { class: best(row, 'smape') }, row.smape),
              h('td', { class: best(row, 'mase') }, row.mase),
              h('td', { class: best(row, 'rmsse') }, row.rmsse),
              ...row.coverage.map((c) =>
                h(
                  'td',
                  {
                    class: c.off ? 'num coverage-off' : 'num',
                    title: c.off ? `well under the nominal ${c.level} %` : '',
                  },
                  c.text,
                ),
              ),
              h('td', { class: 'num' }, row.origins),
            ),
          ),
        ),
      ),
      h(
        'p',
        { class: 'muted supply-note' },
        'Errors are means over the origins, lowest of each column in bold; coverage is the share of actual demand inside each interval.',
      ),
    );
  }

  async #loadChart(item: Item | undefined): Promise<void> {
    this.#chartRequest?.abort();
    if (!item || !this.#forecasts.get(item.id)) {
      this.#chartItem = undefined;
      replaceChildren(
        this.#chart,
        h(
          'p',
          { class: 'empty' },
          item
            ? this.#forecastErrors.has(item.id)
              ? 'The forecast could not be loaded.'
              : `No forecast for ${item.name ?? item.id} yet — a planner can make one with Re-forecast.`
            : 'Select an item.',
        ),
      );
      return;
    }
    const controller = new AbortController();
    this.#chartRequest = controller;
    const signal = controller.signal;
    if (this.#chartItem !== item.id) {
      this.#chartItem = undefined;
      replaceChildren(this.#chart, h('p', { class: 'empty' }, 'Loading the fan chart…'));
    }
    try {
      const chart = await this.#options.api.forecastChart(
        { item: item.id, width: fanChartWidth(this.#chart.clientWidth) },
        signal,
      );
      if (signal.aborted) return;
      showServerSvg(this.#chart, chart.svg, FAN_CHART);
      this.#chartItem = item.id;
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      this.#chartItem = undefined;
      showServerSvgError(this.#chart, FAN_CHART, error);
    } finally {
      if (this.#chartRequest === controller) this.#chartRequest = undefined;
    }
  }

  /** How the item's recent forecasts are doing; the server says so of an item without any, too. */
  async #loadAccuracy(item: Item | undefined): Promise<void> {
    this.#accuracyRequest?.abort();
    if (!item) {
      this.#accuracySummary.className = 'supply-accuracy-summary';
      this.#accuracySummary.textContent = '';
      replaceChildren(this.#accuracyHead);
      replaceChildren(this.#accuracy, h('p', { class: 'empty' }, 'Select an item.'));
      return;
    }
    const controller = new AbortController();
    this.#accuracyRequest = controller;
    const signal = controller.signal;
    this.#accuracy.classList.add('loading');
    try {
      const accuracy = await this.#options.api.forecastAccuracy(
        { item: item.id, limit: ACCURACY_LIMIT },
        signal,
      );
      if (signal.aborted) return;
      this.#renderAccuracy(item, accuracy);
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      this.#accuracySummary.className = 'supply-accuracy-summary error-text';
      this.#accuracySummary.textContent = `Could not load how the forecasts are doing: ${errorMessage(error)}`;
      replaceChildren(this.#accuracyHead);
      replaceChildren(this.#accuracy);
    } finally {
      if (this.#accuracyRequest === controller) {
        this.#accuracyRequest = undefined;
        this.#accuracy.classList.remove('loading');
      }
    }
  }

  #renderAccuracy(item: Item, accuracy: AccuracyResponse): void {
    const biased = accuracy.forecasts[0]?.biased === true;
    this.#accuracySummary.className = biased ? 'supply-accuracy-summary biased' : 'supply-accuracy-summary';
    this.#accuracySummary.textContent = accuracy.summary;
    const count = accuracy.forecasts.length;
    replaceChildren(
      this.#accuracyHead,
      count === 0 ? '' : count === 1 ? 'the latest forecast' : `the last ${count} forecasts`,
    );
    if (count === 0) {
      replaceChildren(
        this.#accuracy,
        h('p', { class: 'empty' }, 'No forecast to follow yet — a planner can make one with Re-forecast.'),
      );
      return;
    }
    const now = Date.now();
    replaceChildren(
      this.#accuracy,
      h(
        'table',
        { class: 'live-table supply-accuracy-rows' },
        tableHead(
          'Made',
          'Model',
          ['Periods in', { class: 'num', title: 'Forecast periods whose demand has been recorded since' }],
          ['sMAPE', { class: 'num', title: 'Symmetric mean absolute percentage error on the periods in' }],
          ['MASE', { class: 'num', title: 'Mean absolute scaled error on the periods in' }],
          [
            'Bias',
            { class: 'num', title: 'Mean of forecast − actual: + the forecast runs high, − it runs low' },
          ],
          ...ACCURACY_LEVELS.map((l): Column => [
            `${l} % coverage`,
            { class: 'num', title: `Share of the demand in that fell inside the ${l} % interval` },
          ]),
          [
            'Tracking signal',
            {
              class: 'num',
              title:
                'Running sum of errors (actual − forecast) over the mean absolute error; beyond ±4 it leans one way',
            },
          ],
        ),
        h(
          'tbody',
          {},
          ...accuracy.forecasts.map((f) => {
            const row = accuracyRow(f, item);
            return h(
              'tr',
              { 'data-forecast': row.forecast, class: row.biased ? 'biased' : undefined },
              h('td', { title: formatDateTime(row.createdAt) }, formatWhen(row.createdAt, now)),
              h('td', { class: 'supply-model', title: row.model }, row.model),
              h('td', { class: 'num' }, row.periods),
              h('td', { class: 'num' }, row.smape),
              h('td', { class: 'num' }, row.mase),
              h('td', { class: 'num' }, row.bias),
              ...row.coverage.map((c) => h('td', { class: 'num' }, c.text)),
              h(
                'td',
                { class: 'num', 'data-testid': 'tracking-signal' },
                row.biased
                  ? h(
                      'span',
                      {
                        class: 'pill pill-warn',
                        'data-testid': 'biased',
                        title: 'Beyond ±4: the errors lean one way; re-forecast',
                      },
                      'biased',
                    )
                  : null,
                row.trackingSignal,
              ),
            );
          }),
        ),
      ),
      h(
        'p',
        { class: 'muted supply-note' },
        'Measured on the periods whose demand has come in since each forecast was made, newest forecast first.',
      ),
    );
  }

  #setReview(mode: ReviewMode): void {
    this.#reviewPicker.select(mode);
    this.#review =
      mode === 'periodic'
        ? { kind: 'periodic', every: reviewPeriod(this.#reviewEvery.value) ?? 1 }
        : { kind: 'continuous' };
    this.#renderReviewLabel();
    void this.#loadPolicy();
  }

  #renderReviewLabel(): void {
    const item = this.#items.find((i) => i.id === this.#selected);
    const every = this.#review.kind === 'periodic' ? this.#review.every : 1;
    this.#reviewEveryLabel.textContent = periodsLabel(item?.period ?? 'period', every);
    this.#reviewEvery.parentElement?.toggleAttribute('hidden', this.#review.kind !== 'periodic');
  }

  async #loadPolicy(): Promise<void> {
    this.#policyRequest?.abort();
    this.#renderReviewLabel();
    const item = this.#items.find((i) => i.id === this.#selected);
    if (!item || !this.#forecasts.get(item.id)) {
      this.#recommendation.className = 'supply-recommendation';
      this.#recommendation.textContent = item ? 'A policy needs a forecast.' : '';
      replaceChildren(this.#policyFacts);
      return;
    }
    const controller = new AbortController();
    this.#policyRequest = controller;
    const signal = controller.signal;
    this.#policyFacts.classList.add('loading');
    try {
      const policy = await this.#options.api.inventoryPolicy(
        policyQuery(item.id, this.#target.value, this.#review),
        signal,
      );
      if (signal.aborted) return;
      this.#renderPolicy(item, policy);
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      this.#recommendation.className = 'supply-recommendation error-text';
      this.#recommendation.textContent = `No policy: ${errorMessage(error)}`;
      replaceChildren(this.#policyFacts);
    } finally {
      if (this.#policyRequest === controller) {
        this.#policyRequest = undefined;
        this.#policyFacts.classList.remove('loading');
      }
    }
  }

  #renderPolicy(item: Item, policy: InventoryPolicy): void {
    const unit = item.unit;
    const per = item.period;
    const stock = policy.stock;
    this.#recommendation.className = `supply-recommendation urgency-${urgency(policy)}`;
    this.#recommendation.textContent = policy.recommendation;
    const periodic = policy.kind !== 'sS';
    const protection = periodic ? 'lead time + review' : 'lead time';
    replaceChildren(
      this.#policyFacts,
      ...(policy.s != null ? fact('Reorder point (s)', `${units(policy.s)} ${unit}`, 'reorder-point') : []),
      ...fact('Order-up-to level (S)', `${units(policy.S)} ${unit}`, 'order-up-to'),
      ...(policy.R != null
        ? fact('Review period (R)', `${formatCompact(policy.R)} ${periodsLabel(per, policy.R)}`, 'review')
        : []),
      ...fact('Safety stock', `${units(policy.safetyStock)} ${unit}`, 'safety-stock'),
      ...fact(
        `Demand over ${protection}`,
        `${amount(policy.leadTimeDemand)} ± ${amount(policy.sigma)} ${unit}`,
        'lead-time-demand',
      ),
      ...fact(
        'EOQ',
        policy.eoq != null ? `${units(policy.eoq)} ${unit}` : 'no order and holding costs',
        'eoq',
      ),
      ...fact(
        'Demand per period',
        `${amount(policy.demandPerPeriod.mean)} ± ${amount(policy.demandPerPeriod.sd)} ${unit} per ${per}`,
        'demand',
      ),
      ...(item.leadTime != null
        ? fact(
            'Lead time',
            `${formatCompact(item.leadTime)}${item.leadTimeSd ? ` ± ${formatCompact(item.leadTimeSd)}` : ''} ${periodsLabel(per, item.leadTime)}`,
          )
        : []),
      ...fact(
        'Stock',
        stock
          ? h(
              'span',
              { title: `recorded ${formatDateTime(stock.ts)}` },
              `${formatCompact(stock.onHand)} on hand · ${formatCompact(stock.onOrder)} on order`,
            )
          : 'not recorded',
        'stock',
      ),
    );
  }

  async #runForecast(): Promise<void> {
    const item = this.#items.find((i) => i.id === this.#selected);
    if (!item) return;
    this.#reforecast.disabled = true;
    this.#setStatus('Forecasting…');
    try {
      const forecast = await this.#options.api.runForecast({ item: item.id, horizon: REFORECAST_HORIZON });
      this.#forecasts.set(item.id, forecast);
      this.#forecastErrors.delete(item.id);
      this.#renderItems();
      if (this.#selected === item.id) {
        this.#setStatus(`New forecast: ${forecast.model}`);
        this.#chartItem = undefined; // a new forecast: the old chart must not stay up while the new one loads
        this.#loadDetail();
      }
    } catch (error) {
      if (this.#selected === item.id) this.#setStatus(errorMessage(error), 'error');
    } finally {
      this.#reforecast.disabled = false;
    }
  }

  /** What became of the last Re-forecast: progress, its model, or the server's refusal (role=alert). */
  #setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
    const status = this.#reforecastStatus;
    const error = kind === 'error';
    status.className = error ? 'proposal-status error-text' : 'proposal-status';
    status.setAttribute('role', error ? 'alert' : 'status');
    if (error) status.dataset['testid'] = 'reforecast-error';
    else delete status.dataset['testid'];
    status.textContent = text;
  }
}
