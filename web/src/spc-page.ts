/**
 * The control-chart view: every live SPC chart with its active alarms, and the selected chart's level and
 * dispersion charts, settings and alarm history, kept current by the stream's alarm events and a 10 s poll.
 */
import { ApiError, errorMessage, isAbort, type ApiClient } from './api.js';
import { type WindowPicker, h, replaceChildren, windowPicker } from './dom.js';
import { formatAge, formatDateTime, unitLabel } from './format.js';
import type { Asset, Tag } from './model.js';
import { ControlPlot } from './spc-chart.js';
import {
  DEFAULT_SPC_WINDOW,
  SPC_WINDOWS,
  activeAlarmTotal,
  alarmHistory,
  alarmText,
  chartNsigmas,
  chartTypeLabel,
  describeRules,
  formatMeasure,
  formatPeriod,
  formatSubgroupPolicy,
  formatWhen,
  isSpcWindow,
  sigmaDecimals,
  sortActiveAlarms,
  sortCharts,
  spcWindowMs,
  statisticLabel,
  tagName,
  toSpcAlarm,
  type ChartEntry,
  type PlantEvent,
  type PointsResponse,
  type SpcWindowId,
} from './spc-model.js';

/** The poll that keeps alarm counts and charts current when no event arrives to say something changed. */
const POLL_MS = 10_000;
/** Events come in bursts (a raise on X̄ and R together); one refetch answers the burst. */
const EVENT_DEBOUNCE_MS = 400;
/** The server's default cap on points per request: at it, older subgroups of the window are not shown. */
const POINTS_LIMIT = 5_000;

export interface SpcPageOptions {
  readonly api: ApiClient;
  /** The plant's tag of a path, for its name, unit and description; undefined while the plant model loads. */
  readonly tag: (path: string) => Tag | undefined;
  /** The plant's asset of a path, for its name ("Press 1"). */
  readonly asset: (path: string) => Asset | undefined;
  /** The chart list changed (alarm counts in the header, chart links in the plant view). */
  readonly onCharts: (charts: readonly ChartEntry[]) => void;
  /** The selected chart or window changed: worth remembering in the address bar. */
  readonly onViewChange: () => void;
  /** "Show in plant view" on a chart's tag. */
  readonly onOpenTag: (tagPath: string) => void;
  readonly onError: (message: string) => void;
}

type ListState = 'loading' | 'ready' | 'missing' | 'error';

export class SpcPage {
  readonly element: HTMLElement;
  readonly #options: SpcPageOptions;
  readonly #listBody: HTMLElement;
  readonly #listSummary: HTMLElement;
  readonly #title: HTMLElement;
  readonly #presets: WindowPicker<SpcWindowId>;
  readonly #level: ControlPlot;
  readonly #dispersion: ControlPlot;
  readonly #info: HTMLElement;
  readonly #settings: HTMLElement;
  readonly #active: HTMLElement;
  readonly #history: HTMLElement;
  readonly #alarmSummary: HTMLElement;

  #charts: ChartEntry[] = [];
  #listState: ListState = 'loading';
  #listError = '';
  #selected: string | undefined;
  #window: SpcWindowId = DEFAULT_SPC_WINDOW;
  #points: PointsResponse | undefined;
  /** Alarm events of the selected chart that the stream delivered after the last points request. */
  #liveEvents: PlantEvent[] = [];
  /** What the selected chart's status said when its points were fetched: a change means new subgroups. */
  #fetchedStatus = '';
  #visible = false;
  #pollTimer: number | undefined;
  #eventTimer: number | undefined;
  #chartsRequest: AbortController | undefined;
  #pointsRequest: AbortController | undefined;

  constructor(options: SpcPageOptions) {
    this.#options = options;
    this.#listSummary = h('div', { class: 'panel-summary' });
    this.#listBody = h(
      'div',
      { class: 'spc-list-body' },
      h('p', { class: 'empty' }, 'Loading control charts…'),
    );
    this.#listBody.addEventListener('click', (event) => {
      if (!(event.target instanceof Element)) return;
      const id = event.target.closest<HTMLElement>('[data-chart]')?.dataset['chart'];
      if (id) this.select(id);
    });

    this.#title = h('div', { class: 'spc-title' }, h('h2', {}, 'Control chart'));
    this.#title.addEventListener('click', (event) => {
      if (!(event.target instanceof Element)) return;
      const tag = event.target.closest<HTMLElement>('[data-open-tag]')?.dataset['openTag'];
      if (tag) this.#options.onOpenTag(tag);
    });
    this.#presets = windowPicker(SPC_WINDOWS, this.#window, isSpcWindow, (id) => {
      this.setWindow(id);
      this.#options.onViewChange();
    });
    this.#level = new ControlPlot('spc-level-chart');
    this.#dispersion = new ControlPlot('spc-dispersion-chart');
    this.#info = h('div', { class: 'chart-info' });
    this.#settings = h('div', { class: 'spc-settings-body' });
    this.#alarmSummary = h('div', { class: 'panel-summary' });
    this.#active = h('div', { class: 'spc-active', 'data-testid': 'spc-active-alarms' });
    this.#history = h('div', { class: 'spc-history', 'data-testid': 'spc-alarm-history' });

    this.element = h(
      'main',
      { class: 'spc-layout', 'data-testid': 'spc-view' },
      h(
        'section',
        { class: 'panel spc-list', 'data-testid': 'spc-chart-list', 'aria-label': 'Control charts' },
        h('div', { class: 'panel-head' }, h('h2', {}, 'Charts'), this.#listSummary),
        this.#listBody,
      ),
      h(
        'section',
        { class: 'panel spc-main', 'aria-label': 'Control chart' },
        h(
          'div',
          { class: 'panel-head' },
          this.#title,
          h('div', { class: 'trend-tools' }, this.#presets.element),
        ),
        h('div', { class: 'spc-plots' }, this.#level.element, this.#dispersion.element),
        this.#info,
      ),
      h(
        'div',
        { class: 'spc-side' },
        h(
          'section',
          { class: 'panel spc-settings', 'data-testid': 'spc-settings', 'aria-label': 'Chart settings' },
          h('div', { class: 'panel-head' }, h('h2', {}, 'Settings')),
          this.#settings,
        ),
        h(
          'section',
          { class: 'panel spc-alarms', 'data-testid': 'spc-alarms', 'aria-label': 'SPC alarms' },
          h('div', { class: 'panel-head' }, h('h2', {}, 'Alarms'), this.#alarmSummary),
          h('div', { class: 'spc-alarms-body' }, this.#active, this.#history),
        ),
      ),
    );
    this.#level.showMessage('Select a control chart.');
    this.#dispersion.showMessage('');
    this.#renderSide();
  }

  get selected(): string | undefined {
    return this.#selected;
  }

  get window(): SpcWindowId {
    return this.#window;
  }

  get charts(): readonly ChartEntry[] {
    return this.#charts;
  }

  /** The tag path of the selected chart (what the stream should deliver while this view shows). */
  get selectedTag(): string | undefined {
    return this.#entry()?.config.tag;
  }

  /** Starts polling the chart list (the header's alarm count needs it in every view). */
  start(): void {
    window.clearInterval(this.#pollTimer);
    this.#pollTimer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void this.#loadCharts();
    }, POLL_MS);
    void this.#loadCharts();
  }

  stop(): void {
    window.clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
    this.#chartsRequest?.abort();
    this.#pointsRequest?.abort();
  }

  /** The view became visible or hidden; charts are only fetched and drawn while it shows. */
  setVisible(visible: boolean): void {
    const shown = visible && !this.#visible;
    this.#visible = visible;
    if (shown) {
      void this.#loadCharts();
      if (this.#selected) void this.#loadPoints();
    }
  }

  /** Shows a chart; an id not (yet) in the list is kept and shown once the list has it. */
  select(id: string): void {
    if (id === this.#selected) return;
    this.#selected = id;
    this.#points = undefined;
    this.#liveEvents = [];
    this.#fetchedStatus = '';
    this.#renderList();
    this.#renderHeader();
    this.#renderSide();
    this.#level.showMessage('Loading…');
    this.#dispersion.showMessage('');
    this.#options.onViewChange();
    if (this.#visible && this.#entry()) void this.#loadPoints();
  }

  setWindow(window: SpcWindowId): void {
    this.#window = window;
    this.#presets.select(window);
    if (this.#visible && this.#entry()) void this.#loadPoints();
  }

  /** Events from the stream: an SPC alarm refreshes the list and, for the selected chart, its points. */
  onEvents(events: readonly PlantEvent[]): void {
    let relevant = false;
    for (const event of events) {
      const alarm = toSpcAlarm(event);
      if (!alarm) continue;
      relevant = true;
      if (alarm.chart === this.#selected) this.#liveEvents.push(event);
    }
    if (!relevant) return;
    this.#renderSide();
    window.clearTimeout(this.#eventTimer);
    this.#eventTimer = window.setTimeout(() => {
      void this.#loadCharts();
      if (this.#visible && this.#selected) void this.#loadPoints();
    }, EVENT_DEBOUNCE_MS);
  }

  /** Refetches everything (after the stream reconnects, events may have been missed). */
  refresh(): void {
    void this.#loadCharts();
    if (this.#visible && this.#selected) void this.#loadPoints();
  }

  #entry(): ChartEntry | undefined {
    return this.#charts.find((c) => c.config.id === this.#selected);
  }

  async #loadCharts(): Promise<void> {
    this.#chartsRequest?.abort();
    const controller = new AbortController();
    this.#chartsRequest = controller;
    try {
      const charts = await this.#options.api.spcCharts(controller.signal);
      if (controller.signal.aborted) return;
      this.#charts = sortCharts(charts);
      this.#listState = 'ready';
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      // A server without live SPC answers 404: that is "no charts", not a failure.
      if (error instanceof ApiError && error.status === 404) {
        this.#charts = [];
        this.#listState = 'missing';
      } else {
        if (error instanceof ApiError && error.status === 401) return;
        const first = this.#listState !== 'error';
        this.#listState = 'error';
        this.#listError = errorMessage(error);
        if (first) this.#options.onError(`Could not load the control charts: ${this.#listError}`);
      }
    } finally {
      if (this.#chartsRequest === controller) this.#chartsRequest = undefined;
    }
    const wanted = this.#selected;
    if (this.#listState === 'ready' && (!wanted || !this.#entry()) && this.#charts.length > 0) {
      // Nothing chosen yet (or a stale link): the first chart out of control, else the first chart.
      const first = this.#charts.find((c) => c.status.activeAlarms.length > 0) ?? this.#charts[0];
      if (first && !wanted) this.select(first.config.id);
    }
    this.#renderList();
    this.#renderHeader();
    this.#renderSide();
    this.#options.onCharts(this.#charts);
    if (this.#visible && this.#entry()) {
      if (this.#statusKey() !== this.#fetchedStatus) void this.#loadPoints();
      else this.#renderPlots(); // nothing new: slide the window to now
    } else if (this.#visible && this.#selected && this.#listState === 'ready') {
      this.#level.showMessage(`No control chart "${this.#selected}".`, true);
      this.#dispersion.showMessage('');
    }
  }

  /** What changes when the chart evaluates a subgroup or an alarm is raised or cleared. */
  #statusKey(): string {
    const status = this.#entry()?.status;
    if (!status) return '';
    return `${status.subgroups}|${status.lastSubgroupTs ?? ''}|${status.activeAlarms.map((a) => a.code).join()}`;
  }

  async #loadPoints(): Promise<void> {
    const id = this.#selected;
    if (!id) return;
    this.#pointsRequest?.abort();
    const controller = new AbortController();
    this.#pointsRequest = controller;
    const to = Date.now();
    const from = to - spcWindowMs(this.#window);
    const status = this.#statusKey();
    this.#info.textContent = 'Loading…';
    try {
      const points = await this.#options.api.spcPoints({ id, from, to }, controller.signal);
      if (controller.signal.aborted || id !== this.#selected) return;
      this.#points = points;
      this.#fetchedStatus = status;
      // What the stream delivered is now part of the response (or older than its window).
      const known = new Set(points.alarms.map((a) => a.id));
      this.#liveEvents = this.#liveEvents.filter((e) => !known.has(e.id) && e.ts > to);
      this.#renderPlots();
      this.#renderSide();
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      const message = errorMessage(error);
      this.#info.textContent = '';
      this.#level.showMessage(`Could not load the chart: ${message}`, true);
      this.#dispersion.showMessage('');
      if (!(error instanceof ApiError && error.status === 401)) this.#options.onError(message);
    } finally {
      if (this.#pointsRequest === controller) this.#pointsRequest = undefined;
    }
  }

  #renderList(): void {
    const alarms = activeAlarmTotal(this.#charts);
    replaceChildren(
      this.#listSummary,
      `${this.#charts.length} chart${this.#charts.length === 1 ? '' : 's'}`,
      alarms > 0 ? h('span', { class: 'pill pill-alert' }, `${alarms} active`) : null,
    );
    if (this.#listState === 'loading') return;
    if (this.#listState === 'error' && this.#charts.length === 0) {
      replaceChildren(this.#listBody, h('p', { class: 'error-text', role: 'alert' }, this.#listError));
      return;
    }
    if (this.#charts.length === 0) {
      replaceChildren(this.#listBody, noChartsMessage(this.#listState === 'missing'));
      return;
    }
    const items = this.#charts.map((entry) => {
      const { config, status } = entry;
      const count = status.activeAlarms.length;
      const asset = assetPath(config.tag);
      const badge =
        count > 0
          ? h(
              'span',
              {
                class: 'spc-badge alarm',
                'data-testid': 'spc-alarm-badge',
                title: sortActiveAlarms(status.activeAlarms)
                  .map((a) => `${a.code}: ${a.description}`)
                  .join('\n'),
              },
              String(count),
            )
          : h(
              'span',
              { class: 'spc-badge ok', 'data-testid': 'spc-alarm-badge', title: 'No active alarm' },
              status.subgroups > 0 ? 'in control' : 'waiting',
            );
      return h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: `spc-chart-item${config.id === this.#selected ? ' selected' : ''}${count > 0 ? ' out' : ''}`,
            'data-chart': config.id,
            'data-alarms': count,
            'aria-current': config.id === this.#selected ? 'true' : null,
            title: `${config.id}\n${config.tag}${config.description ? `\n${config.description}` : ''}`,
          },
          h(
            'span',
            { class: 'spc-item-main' },
            h('span', { class: 'spc-item-name' }, this.#chartName(config.tag)),
            h('span', { class: 'spc-item-asset' }, asset),
            h(
              'span',
              { class: 'spc-item-meta' },
              `${chartTypeLabel(config.type)} · ${formatSubgroupPolicy(config.subgroup)}`,
            ),
          ),
          badge,
        ),
      );
    });
    replaceChildren(this.#listBody, h('ul', { class: 'spc-chart-items' }, ...items));
  }

  #renderHeader(): void {
    const entry = this.#entry();
    if (!entry) {
      replaceChildren(this.#title, h('h2', {}, 'Control chart'));
      return;
    }
    const { config } = entry;
    const tag = this.#options.tag(config.tag);
    const unit = unitLabel(tag?.unit);
    replaceChildren(
      this.#title,
      h(
        'h2',
        {},
        `${chartTypeLabel(config.type)} — ${this.#chartName(config.tag)}`,
        unit ? h('span', { class: 'muted' }, ` (${unit})`) : null,
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'path link',
          'data-open-tag': config.tag,
          title: `${tag?.description ?? config.tag}\nShow in the plant view`,
        },
        config.tag,
      ),
    );
  }

  /** "Press 1 · flange_height": the machine first, as several machines measure the same dimension. */
  #chartName(tagPath: string): string {
    const name = this.#options.tag(tagPath)?.name ?? tagName(tagPath);
    const asset = this.#options.asset(assetPath(tagPath))?.name;
    return asset ? `${asset} · ${name}` : name;
  }

  #renderPlots(): void {
    const entry = this.#entry();
    const data = this.#points;
    if (!entry || !data) return;
    const to = Math.max(Date.now(), data.points[data.points.length - 1]?.ts ?? 0);
    const from = to - spcWindowMs(this.#window);
    const unit = unitLabel(this.#options.tag(entry.config.tag)?.unit);
    const nsigmas = chartNsigmas(data.chart.limits);
    const common = { points: data.points, nsigmas, from, to, unit };
    this.#level.setData({ ...common, part: 'level', statistic: data.statistics.level, zones: true });
    this.#dispersion.setData({
      ...common,
      part: 'dispersion',
      statistic: data.statistics.dispersion,
      zones: false,
    });
    const shown = data.points.filter((p) => p.ts >= from);
    const uncertain = shown.filter((p) => p.quality !== 'good').length;
    const pending = entry.status.pending;
    this.#info.textContent =
      `${formatDateTime(from)} – ${formatDateTime(to)} · ${shown.length.toLocaleString()} subgroups` +
      (uncertain > 0 ? ` (${uncertain} uncertain)` : '') +
      (entry.status.lastSubgroupTs ? ` · last ${formatAge(Date.now() - entry.status.lastSubgroupTs)}` : '') +
      ` · ${pending} sample${pending === 1 ? '' : 's'} in the open subgroup` +
      (data.points.length >= POINTS_LIMIT ? ` · the newest ${POINTS_LIMIT.toLocaleString()} shown` : '') +
      ' · live';
  }

  #renderSide(): void {
    this.#renderSettings();
    this.#renderAlarms();
  }

  #renderSettings(): void {
    const entry = this.#entry();
    if (!entry) {
      replaceChildren(this.#settings, h('p', { class: 'empty' }, 'No chart selected.'));
      return;
    }
    const { config, status } = entry;
    const unit = unitLabel(this.#options.tag(config.tag)?.unit);
    const { limits } = config;
    const nsigmas = chartNsigmas(limits);
    const decimals = sigmaDecimals(limits.sigma);
    const now = Date.now();
    const rules = describeRules(config.rules);
    const source =
      limits.source === 'phase-one'
        ? limits.estimatedFrom
          ? `phase I: ${limits.estimatedFrom.subgroups} subgroups, ${formatWhen(limits.estimatedFrom.from, now)} – ` +
            `${formatWhen(limits.estimatedFrom.to, now)}` +
            (limits.estimatedFrom.excluded > 0 ? `, ${limits.estimatedFrom.excluded} excluded` : '')
          : 'phase I'
        : limits.source === 'given'
          ? 'given (a standard)'
          : limits.source;
    const row = (name: string, ...value: (Node | string)[]): HTMLElement[] => [
      h('dt', {}, name),
      h('dd', {}, ...value),
    ];
    replaceChildren(
      this.#settings,
      h(
        'dl',
        { class: 'spc-dl' },
        ...row('Chart', `${chartTypeLabel(config.type)} `, h('span', { class: 'muted mono' }, config.id)),
        ...row('Subgroups', formatSubgroupPolicy(config.subgroup)),
        ...row('Centre', formatMeasure(limits.center, unit, decimals)),
        ...row('σ (within)', formatMeasure(limits.sigma, unit, decimals)),
        ...row('Limits', `centre ± ${Number(nsigmas.toPrecision(3))}σ`),
        ...row('Source', source),
        ...row(
          'Rules',
          h(
            'span',
            { class: 'spc-rules' },
            `${rules.preset} `,
            ...rules.tests.map((t) =>
              h(
                'span',
                {
                  class: `rule-chip${t.enabled ? '' : ' off'}`,
                  title: `Test ${t.test} ${t.enabled ? 'on' : 'off'}${t.k !== undefined ? `, K = ${t.k}` : ''}`,
                },
                t.k !== undefined ? `${t.test} (K ${t.k})` : t.test,
              ),
            ),
          ),
        ),
        ...row('Alarms', `${config.severity}, clear after ${config.clearAfter ?? 5} subgroups in control`),
        ...row(
          'Evaluated',
          `${status.subgroups.toLocaleString()} subgroups since start`,
          config.subgroup.by === 'time' ? ` (${formatPeriod(config.subgroup.windowMs)} each)` : '',
        ),
        ...(config.description ? row('Note', config.description) : []),
      ),
    );
  }

  #renderAlarms(): void {
    const entry = this.#entry();
    if (!entry) {
      replaceChildren(this.#alarmSummary);
      replaceChildren(this.#active);
      replaceChildren(this.#history, h('p', { class: 'empty' }, 'No chart selected.'));
      return;
    }
    const now = Date.now();
    const active = sortActiveAlarms(entry.status.activeAlarms);
    replaceChildren(
      this.#alarmSummary,
      active.length > 0
        ? h('span', { class: 'pill pill-alert' }, `${active.length} active`)
        : h('span', { class: 'pill pill-ok' }, 'in control'),
    );
    replaceChildren(
      this.#active,
      h('h3', {}, 'Active'),
      active.length === 0
        ? h('p', { class: 'empty' }, 'No active alarm: the process is in statistical control.')
        : h(
            'ul',
            { class: 'spc-active-list' },
            ...active.map((a) =>
              h(
                'li',
                {
                  class: `spc-active-item severity-${a.severity}`,
                  'data-testid': 'spc-active-alarm',
                  'data-code': a.code,
                },
                h(
                  'div',
                  { class: 'spc-alarm-line' },
                  h('span', { class: 'code' }, a.code),
                  h('span', { class: `sev sev-${a.severity}` }, a.severity),
                  h('span', { class: 'stat' }, `on ${statisticLabel(a.statistic)}`),
                ),
                h('div', { class: 'spc-alarm-desc' }, a.description),
                (a.rules?.length ?? 0) > 1
                  ? h(
                      'div',
                      { class: 'spc-alarm-rules' },
                      `also fired: ${(a.rules ?? []).filter((r) => r !== a.rule).join(', ')}`,
                    )
                  : null,
                h(
                  'div',
                  { class: 'spc-alarm-since', title: formatDateTime(a.since) },
                  `since ${formatWhen(a.since, now)} (${formatAge(now - a.since)})`,
                ),
              ),
            ),
          ),
    );
    const history = alarmHistory([...(this.#points?.alarms ?? []), ...this.#liveEvents], entry.config.id);
    replaceChildren(
      this.#history,
      h(
        'h3',
        {},
        'History',
        h(
          'span',
          { class: 'muted' },
          ` — last ${SPC_WINDOWS.find((w) => w.id === this.#window)?.label ?? ''}`,
        ),
      ),
      history.length === 0
        ? h('p', { class: 'empty' }, this.#points ? 'No alarm raised or cleared in this window.' : 'Loading…')
        : h(
            'table',
            { class: 'spc-history-table' },
            h(
              'tbody',
              {},
              ...history.map((e) =>
                h(
                  'tr',
                  {
                    'data-testid': 'spc-alarm-event',
                    'data-state': e.state,
                    'data-code': e.code,
                    title: e.message,
                  },
                  h('td', { class: 'when', title: formatDateTime(e.ts) }, formatWhen(e.ts, now)),
                  h('td', {}, h('span', { class: `state-badge ${e.state}` }, e.state)),
                  h(
                    'td',
                    { class: 'what' },
                    h('span', { class: 'code' }, e.code),
                    e.statistic ? h('span', { class: 'stat' }, ` ${statisticLabel(e.statistic)}`) : null,
                    h('div', { class: 'msg' }, alarmText(e.message, entry.config.tag)),
                  ),
                ),
              ),
            ),
          ),
    );
  }
}

function assetPath(tagPath: string): string {
  return tagPath.slice(0, tagPath.lastIndexOf('/'));
}

/** What an empty list says: how to attach a chart, from the command line. */
function noChartsMessage(unsupported: boolean): HTMLElement {
  return h(
    'div',
    { class: 'empty spc-empty', 'data-testid': 'spc-no-charts' },
    h('p', {}, h('b', {}, 'No control charts yet'), ' — attach one to a tag with'),
    h('code', {}, 'gemba spc charts create …'),
    unsupported
      ? h('p', { class: 'muted' }, 'This server does not offer live SPC (no /spc/charts endpoint).')
      : null,
  );
}
