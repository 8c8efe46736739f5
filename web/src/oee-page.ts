/**
 * The OEE page: for a line, cell or machine configured for OEE, over the current shift (live, fetched again every
 * 10 s while the page shows), the last 24 h by shift or the last 7 days by day — OEE and its three factors as tiles
 * with the part counts and run time, the loss waterfall from planned busy time to valuable operating time, the trend
 * per shift or day, each machine's figures (a click narrows the scope to it) and the longest stop reasons. Every
 * figure is the server's (oee.report / oee.live); the page only formats and draws them.
 */
import { ApiError, errorMessage, isAbort, type ApiClient } from './api.js';
import {
  h,
  messageRow,
  onRowPick,
  replaceChildren,
  tableHead,
  windowPicker,
  type WindowPicker,
} from './dom.js';
import { formatDateTime } from './format.js';
import type { Asset } from './model.js';
import { OeeTrendChart, WaterfallChart } from './oee-chart.js';
import {
  KPIS,
  LIVE_REFRESH_MS,
  OEE_WINDOWS,
  TREND_SERIES,
  countText,
  defaultScope,
  hasData,
  hoursMinutes,
  isOeeWindow,
  minutesText,
  percentText,
  reasonLabel,
  reportQuery,
  scopeOptions,
  stateLabel,
  stopReasons,
  topStopText,
  waterfallSteps,
  type OeeLive,
  type OeeMachineConfig,
  type OeeReport,
  type OeeSummary,
  type OeeWindowId,
  type ScopeOption,
} from './oee-model.js';

export interface OeePageOptions {
  readonly api: ApiClient;
  /** The plant's assets as the dashboard loaded them (for the names of lines, cells and machines). */
  readonly assets: () => readonly Asset[];
  /** The scope or window changed (for the address bar). */
  readonly onSelect: () => void;
  readonly onError: (message: string) => void;
}

const CONFIGURE_HINT =
  'No machine is configured for OEE yet — configure one with `gemba oee machines configure --asset <machine> --ideal-cycle-time-s <s>` (engineer role).';

export class OeePage {
  readonly element: HTMLElement;
  readonly #options: OeePageOptions;
  readonly #scopeSelect: HTMLSelectElement;
  readonly #windowPicker: WindowPicker<OeeWindowId>;
  readonly #status: HTMLElement;
  readonly #notice: HTMLElement;
  readonly #body: HTMLElement;
  readonly #tiles: HTMLElement;
  readonly #counts: HTMLElement;
  readonly #waterfallSummary: HTMLElement;
  readonly #waterfall: WaterfallChart;
  readonly #trendHead: HTMLElement;
  readonly #trend: OeeTrendChart;
  readonly #trendPanel: HTMLElement;
  readonly #machineRows: HTMLElement;
  readonly #machinesSummary: HTMLElement;
  readonly #reasonRows: HTMLElement;

  #machines: OeeMachineConfig[] = [];
  #scopes: ScopeOption[] = [];
  #scope: string | undefined;
  #window: OeeWindowId = 'shift';
  #loaded = false;
  #visible = false;
  #error = '';
  #data: OeeReport | OeeLive | undefined;
  /** The 24 h by shift under the current shift (its trend), loaded once per scope. */
  #trendReport: OeeReport | undefined;
  #timer: number | undefined;
  #listRequest: AbortController | undefined;
  #dataRequest: AbortController | undefined;
  #trendRequest: AbortController | undefined;

  constructor(options: OeePageOptions) {
    this.#options = options;
    this.#scopeSelect = h('select', {
      class: 'oee-scope',
      'aria-label': 'Scope',
      'data-testid': 'oee-scope',
    });
    this.#scopeSelect.addEventListener('change', () => this.select(this.#scopeSelect.value));
    this.#windowPicker = windowPicker(OEE_WINDOWS, this.#window, isOeeWindow, (id) => this.setWindow(id));
    this.#windowPicker.element.dataset['testid'] = 'oee-window';
    this.#status = h('span', { class: 'muted oee-status', 'data-testid': 'oee-status', role: 'status' });
    this.#notice = h('p', { class: 'panel oee-notice empty', 'data-testid': 'oee-empty', hidden: true });

    this.#tiles = h(
      'div',
      { class: 'oee-tiles', 'data-testid': 'oee-tiles' },
      ...KPIS.map((k) =>
        h(
          'div',
          { class: `oee-tile kpi-${k.id}`, 'data-kpi': k.id },
          h('div', { class: 'oee-tile-label' }, k.label),
          h('div', { class: 'oee-tile-value', 'data-testid': `oee-kpi-${k.id}` }, '—'),
        ),
      ),
    );
    this.#counts = h('dl', { class: 'oee-counts', 'data-testid': 'oee-counts' });

    this.#waterfallSummary = h('div', { class: 'panel-summary' });
    this.#waterfall = new WaterfallChart();
    this.#trendHead = h('div', { class: 'panel-summary' });
    this.#trend = new OeeTrendChart();
    this.#trendPanel = h(
      'section',
      { class: 'panel oee-trend-panel', 'data-testid': 'oee-trend', 'aria-label': 'Trend' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Trend'), this.#trendHead),
      h(
        'div',
        { class: 'oee-legend' },
        ...TREND_SERIES.map((s) => h('span', { class: `legend-item series-${s.id}` }, h('i', {}), s.label)),
      ),
      this.#trend.element,
    );

    this.#machinesSummary = h('div', { class: 'panel-summary' });
    this.#machineRows = h('tbody', {});
    onRowPick(this.#machineRows, 'machine', (asset) => this.select(asset));
    this.#reasonRows = h('tbody', {});

    this.#body = h(
      'div',
      { class: 'oee-body' },
      h('section', { class: 'panel oee-kpis', 'aria-label': 'Key figures' }, this.#tiles, this.#counts),
      h(
        'div',
        { class: 'oee-main' },
        h(
          'section',
          { class: 'panel', 'aria-label': 'Loss waterfall' },
          h('div', { class: 'panel-head' }, h('h2', {}, 'Losses'), this.#waterfallSummary),
          h(
            'div',
            { class: 'oee-legend' },
            ...['availability', 'performance', 'quality'].map((f) =>
              h(
                'span',
                { class: `legend-item factor-${f}` },
                h('i', {}),
                `${f[0]?.toUpperCase()}${f.slice(1)} loss`,
              ),
            ),
          ),
          this.#waterfall.element,
        ),
        h(
          'section',
          { class: 'panel oee-reasons', 'data-testid': 'oee-reasons', 'aria-label': 'Top stop reasons' },
          h(
            'div',
            { class: 'panel-head' },
            h('h2', {}, 'Top stop reasons'),
            h(
              'div',
              { class: 'panel-summary', title: 'Off and planned stops are planned down time, not losses' },
              'down, setup and idle',
            ),
          ),
          h(
            'table',
            { class: 'live-table' },
            tableHead('State', 'Reason', ['Minutes', { class: 'num' }]),
            this.#reasonRows,
          ),
        ),
      ),
      this.#trendPanel,
      h(
        'section',
        { class: 'panel', 'data-testid': 'oee-machines', 'aria-label': 'Machines' },
        h('div', { class: 'panel-head' }, h('h2', {}, 'Machines'), this.#machinesSummary),
        h(
          'table',
          { class: 'live-table oee-machine-table' },
          tableHead(
            'Machine',
            ['A', { class: 'num', title: 'Availability' }],
            ['P', { class: 'num', title: 'Performance' }],
            ['Q', { class: 'num', title: 'Quality' }],
            ['OEE', { class: 'num' }],
            ['Produced', { class: 'num' }],
            ['Good', { class: 'num' }],
            ['Rejects', { class: 'num' }],
            'Top stop reason',
          ),
          this.#machineRows,
        ),
      ),
    );

    this.element = h(
      'main',
      { class: 'models-layout oee-layout', 'data-testid': 'oee-view' },
      h(
        'div',
        { class: 'models-head oee-head' },
        h('h2', {}, 'OEE'),
        this.#scopeSelect,
        this.#windowPicker.element,
        this.#status,
      ),
      this.#notice,
      this.#body,
    );
    this.#render();
  }

  /** The line, cell or machine shown. */
  get scope(): string | undefined {
    return this.#scope;
  }

  get window(): OeeWindowId {
    return this.#window;
  }

  /** Shows a line, cell or machine (when the machines have loaded; else remembers it). */
  select(asset: string): void {
    if (asset === this.#scope) return;
    this.#scope = asset;
    this.#trendReport = undefined;
    this.#options.onSelect();
    if (!this.#loaded) return;
    this.#scopeSelect.value = asset;
    this.#data = undefined;
    this.#render();
    void this.#loadData();
  }

  setWindow(window: OeeWindowId): void {
    if (window === this.#window) return;
    this.#window = window;
    this.#windowPicker.select(window);
    this.#options.onSelect();
    this.#data = undefined;
    this.#render();
    if (this.#loaded) void this.#loadData();
  }

  setVisible(visible: boolean): void {
    const shown = visible && !this.#visible;
    this.#visible = visible;
    if (!visible) this.#stopTimer();
    if (shown) void this.#load();
  }

  /** Loads the page again if it shows; otherwise it loads when it next shows. */
  refresh(): void {
    if (this.#visible) void this.#load();
  }

  async #load(): Promise<void> {
    this.#listRequest?.abort();
    const controller = new AbortController();
    this.#listRequest = controller;
    try {
      const machines = await this.#options.api.oeeMachines(controller.signal);
      if (controller.signal.aborted) return;
      this.#machines = machines;
      this.#scopes = scopeOptions(machines, this.#options.assets());
      this.#loaded = true;
      this.#error = '';
      const scope = defaultScope(this.#scopes, this.#scope);
      if (scope !== this.#scope) {
        this.#scope = scope;
        this.#trendReport = undefined;
        this.#options.onSelect();
      }
      this.#renderScopes();
      this.#render();
      await this.#loadData();
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      this.#reportError('Could not load the OEE machines', error);
      this.#render();
    } finally {
      if (this.#listRequest === controller) this.#listRequest = undefined;
    }
  }

  async #loadData(): Promise<void> {
    this.#stopTimer();
    const scope = this.#scope;
    const span = this.#window;
    if (!scope || !this.#visible) return;
    this.#dataRequest?.abort();
    const controller = new AbortController();
    this.#dataRequest = controller;
    if (span === 'shift' && this.#trendReport === undefined) void this.#loadTrend(scope);
    try {
      const api = this.#options.api;
      const data =
        span === 'shift'
          ? await api.oeeLive(scope, controller.signal)
          : await api.oeeReport(reportQuery(span, scope, Date.now()), controller.signal);
      if (controller.signal.aborted || scope !== this.#scope || span !== this.#window) return;
      this.#data = data;
      this.#error = '';
      this.#render();
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      this.#reportError('Could not load the OEE', error);
      this.#render();
    } finally {
      // Only the newest request keeps the current shift polling (an aborted one was replaced).
      const current = this.#dataRequest === controller && !controller.signal.aborted;
      if (this.#dataRequest === controller) this.#dataRequest = undefined;
      if (current && this.#visible && span === 'shift' && span === this.#window && scope === this.#scope) {
        this.#stopTimer();
        this.#timer = window.setTimeout(() => void this.#loadData(), LIVE_REFRESH_MS);
      }
    }
  }

  /** The last 24 h by shift, shown as the trend under the current shift. */
  async #loadTrend(scope: string): Promise<void> {
    this.#trendRequest?.abort();
    const controller = new AbortController();
    this.#trendRequest = controller;
    try {
      const report = await this.#options.api.oeeReport(
        reportQuery('24h', scope, Date.now()),
        controller.signal,
      );
      if (controller.signal.aborted || scope !== this.#scope) return;
      this.#trendReport = report;
      this.#renderTrend();
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      this.#trend.showMessage(`Could not load the last 24 h: ${errorMessage(error)}`, true);
    } finally {
      if (this.#trendRequest === controller) this.#trendRequest = undefined;
    }
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) window.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Says an error in the page banner once per run of failures (a 401 has its own form). */
  #reportError(what: string, error: unknown): void {
    if (error instanceof ApiError && error.status === 401) return;
    const first = this.#error === '';
    this.#error = `${what}: ${errorMessage(error)}`;
    if (first) this.#options.onError(this.#error);
  }

  #renderScopes(): void {
    replaceChildren(
      this.#scopeSelect,
      ...this.#scopes.map((o) =>
        h(
          'option',
          { value: o.path, title: o.path, selected: o.path === this.#scope },
          o.kind === 'machine' &&
            this.#scopes.some((g) => g.kind === 'group' && o.path.startsWith(`${g.path}/`))
            ? `\u00a0\u00a0${o.label}`
            : o.label,
        ),
      ),
    );
    if (this.#scope) this.#scopeSelect.value = this.#scope;
    this.#scopeSelect.disabled = this.#scopes.length === 0;
  }

  #render(): void {
    const unconfigured = this.#loaded && this.#machines.length === 0;
    const message = unconfigured ? CONFIGURE_HINT : this.#error && !this.#data ? this.#error : '';
    this.#notice.hidden = message === '';
    this.#notice.classList.toggle('error-text', !unconfigured && message !== '');
    replaceChildren(this.#notice, message);
    this.#body.hidden = unconfigured;
    this.#renderStatus();
    this.#renderTotal();
    this.#renderMachines();
    this.#renderTrend();
  }

  #renderStatus(): void {
    const data = this.#data;
    if (!data) {
      replaceChildren(this.#status, this.#loaded || this.#error ? '' : 'Loading…');
      return;
    }
    const live = 'updatedAt' in data ? data : undefined;
    const window = `${formatDateTime(data.window.from)} – ${formatDateTime(data.window.to)}`;
    replaceChildren(
      this.#status,
      this.#window === 'shift'
        ? [
            live?.shift ? `shift ${live.shift.label}` : 'current shift',
            live?.updatedAt ? `updated ${formatDateTime(live.updatedAt)}` : '',
          ]
            .filter(Boolean)
            .join(' · ')
        : window,
    );
    this.#status.title = window;
  }

  #renderTotal(): void {
    const data = this.#data;
    const total = data?.total;
    for (const k of KPIS) {
      const value = this.#tiles.querySelector<HTMLElement>(`[data-testid="oee-kpi-${k.id}"]`);
      if (value) value.textContent = total ? percentText(total[k.id]) : '—';
    }
    replaceChildren(
      this.#counts,
      ...(total
        ? [
            ['Produced', countText(total.producedQuantity), 'produced'],
            ['Good', countText(total.goodQuantity), 'good'],
            ['Rejects', countText(total.rejectQuantity), 'rejects'],
            ['Run time', hoursMinutes(total.runTimeMs), 'run-time'],
            ['Planned busy time', hoursMinutes(total.plannedBusyTimeMs), 'planned-busy-time'],
          ].flatMap(([name, value, id]) => [
            h('dt', {}, name ?? ''),
            h('dd', { 'data-fact': id ?? '' }, value ?? ''),
          ])
        : []),
    );
    this.#renderWaterfall(total);
    this.#renderReasons(total);
  }

  #renderWaterfall(total: OeeSummary | undefined): void {
    if (!total) {
      replaceChildren(this.#waterfallSummary);
      this.#waterfall.showMessage(this.#error ? this.#error : 'Loading…', Boolean(this.#error));
      return;
    }
    if (!hasData(total)) {
      replaceChildren(this.#waterfallSummary);
      this.#waterfall.showMessage('No data in this window: no planned busy time recorded for this scope.');
      return;
    }
    const steps = waterfallSteps(total);
    const valuable = steps[steps.length - 1];
    replaceChildren(
      this.#waterfallSummary,
      `planned busy time ${hoursMinutes(total.plannedBusyTimeMs)} → valuable ${hoursMinutes(valuable?.timeMs ?? 0)}`,
    );
    this.#waterfall.setData(steps);
  }

  #renderReasons(total: OeeSummary | undefined): void {
    const reasons = total ? stopReasons(total.topReasons) : [];
    if (reasons.length === 0) {
      replaceChildren(
        this.#reasonRows,
        messageRow(3, total ? 'No stops in this window.' : this.#error ? '' : 'Loading…', false),
      );
      return;
    }
    replaceChildren(
      this.#reasonRows,
      ...reasons.map((r) =>
        h(
          'tr',
          { 'data-state': r.state, 'data-reason': r.reason },
          h('td', {}, h('span', { class: `oee-state state-${r.state}` }, stateLabel(r.state))),
          h('td', {}, reasonLabel(r.reason)),
          h('td', { class: 'num', title: hoursMinutes(r.timeMs) }, minutesText(r.timeMs)),
        ),
      ),
    );
  }

  #renderMachines(): void {
    const data = this.#data;
    const machines = data?.machines ?? [];
    // Narrowed to one machine: a way back to its line or cell.
    const group = this.#scopes.find(
      (o) => o.kind === 'group' && this.#scope !== undefined && this.#scope.startsWith(`${o.path}/`),
    );
    let back: HTMLButtonElement | undefined;
    if (group) {
      back = h(
        'button',
        { type: 'button', class: 'ghost', 'data-testid': 'oee-scope-up', title: group.path },
        `All of ${group.label}`,
      );
      back.addEventListener('click', () => this.select(group.path));
    }
    replaceChildren(
      this.#machinesSummary,
      back,
      data ? `${machines.length} machine${machines.length === 1 ? '' : 's'}` : '',
    );
    if (machines.length === 0) {
      replaceChildren(
        this.#machineRows,
        messageRow(9, data ? 'No configured machine in this scope.' : this.#error ? '' : 'Loading…', false),
      );
      return;
    }
    const names = new Map(this.#options.assets().map((a) => [a.path, a.name]));
    replaceChildren(
      this.#machineRows,
      ...machines.map((m) => {
        const r = m.result;
        const selected = m.asset === this.#scope;
        return h(
          'tr',
          {
            'data-machine': m.asset,
            'data-testid': `oee-machine-${m.asset.slice(m.asset.lastIndexOf('/') + 1)}`,
            class: selected ? 'charted' : undefined,
            tabindex: 0,
            title: `Show ${m.asset} alone`,
          },
          h('td', { class: 'oee-machine-name' }, m.name ?? names.get(m.asset) ?? m.asset),
          h('td', { class: 'num' }, percentText(r.availability)),
          h('td', { class: 'num' }, percentText(r.performance)),
          h('td', { class: 'num' }, percentText(r.quality)),
          h('td', { class: 'num strong' }, percentText(r.oee)),
          h('td', { class: 'num' }, countText(r.producedQuantity)),
          h('td', { class: 'num' }, countText(r.goodQuantity)),
          h('td', { class: 'num' }, countText(r.rejectQuantity)),
          h('td', { class: 'oee-top-reason' }, topStopText(r.topReasons)),
        );
      }),
    );
  }

  #renderTrend(): void {
    const report = this.#window === 'shift' ? this.#trendReport : this.#data;
    const unit = this.#window === '7d' ? 'day' : 'shift';
    replaceChildren(
      this.#trendHead,
      this.#window === 'shift' ? 'last 24 h by shift' : this.#window === '24h' ? 'by shift' : 'by day',
    );
    if (!report) {
      this.#trend.showMessage(this.#error ? '' : 'Loading…');
      return;
    }
    if (report.periods.length === 0 || !report.periods.some((p) => hasData(p.total))) {
      this.#trend.showMessage(`No ${unit} in this window has data.`);
      return;
    }
    this.#trend.setData(report.periods);
  }
}
