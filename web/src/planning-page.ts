/**
 * The Planning page: the active production schedule (its figures and the server's Gantt chart) and the rescheduling
 * proposals waiting for a planner, each with what prompted it, how it compares, what it moves, its own Gantt, and
 * Approve / Reject. Loaded when the page shows, every 30 s, and at once when the stream says a proposal was made;
 * the count of waiting proposals is kept for the tab even while the page is hidden.
 */
import { ApiError, errorMessage, isAbort, type ApiClient } from './api.js';
import { fact, h, replaceChildren, tableHead } from './dom.js';
import { formatCompact, formatDateTime } from './format.js';
import {
  PLANNING_POLL_MS,
  changeRows,
  compareObjective,
  ganttWidth,
  isProposalNote,
  lateOrders,
  orderCount,
  triggerText,
  type ProductionOrder,
  type Schedule,
  type Verdict,
} from './planning-model.js';
import { formatWhen, type PlantEvent } from './spc-model.js';
import { showServerSvg, showServerSvgError } from './svg.js';

/** A proposal note comes with the machine-state event that prompted it: one reload answers the burst. */
const EVENT_DEBOUNCE_MS = 400;
const GANTT = 'Gantt chart';

export interface PlanningPageOptions {
  readonly api: ApiClient;
  /** The number of proposals waiting for a decision, after every load. */
  readonly onProposals: (count: number) => void;
  readonly onError: (message: string) => void;
}

/** A proposal's card, kept across reloads (with its note and its Gantt) while the proposal is unchanged. */
interface Card {
  readonly updatedAt: number;
  readonly element: HTMLElement;
}

export class PlanningPage {
  readonly element: HTMLElement;
  readonly #options: PlanningPageOptions;
  readonly #summary: HTMLElement;
  readonly #activeHead: HTMLElement;
  readonly #activeFacts: HTMLElement;
  readonly #activeGantt: HTMLElement;
  readonly #proposalsSummary: HTMLElement;
  readonly #proposalList: HTMLElement;

  #active: Schedule | undefined;
  #orders: ProductionOrder[] = [];
  #proposals: Schedule[] = [];
  /** undefined until the first load answered. */
  #noActive: boolean | undefined;
  #error = '';
  #cards = new Map<string, Card>();
  #visible = false;
  #pollTimer: number | undefined;
  #eventTimer: number | undefined;
  #request: AbortController | undefined;

  constructor(options: PlanningPageOptions) {
    this.#options = options;
    this.#summary = h('div', { class: 'panel-summary', 'data-testid': 'planning-summary' });
    this.#activeHead = h('div', { class: 'panel-head' }, h('h2', {}, 'Active schedule'));
    this.#activeFacts = h('dl', { class: 'spc-dl planning-facts', 'data-testid': 'active-schedule-facts' });
    this.#activeGantt = h(
      'div',
      { class: 'gantt', 'data-testid': 'active-gantt' },
      h('p', { class: 'empty' }, 'Loading the schedule…'),
    );
    this.#proposalsSummary = h('div', { class: 'panel-summary' });
    this.#proposalList = h('div', { class: 'proposal-list', 'data-testid': 'proposal-list' });
    this.element = h(
      'main',
      { class: 'models-layout planning-layout', 'data-testid': 'planning-view' },
      h(
        'div',
        { class: 'models-head' },
        h('h2', {}, 'Production plan'),
        h(
          'span',
          { class: 'muted' },
          'the active schedule and the rescheduling proposals waiting for a planner',
        ),
        this.#summary,
      ),
      h(
        'section',
        { class: 'panel', 'data-testid': 'active-schedule', 'aria-label': 'Active schedule' },
        this.#activeHead,
        this.#activeFacts,
        this.#activeGantt,
      ),
      h(
        'section',
        { class: 'panel', 'data-testid': 'proposals', 'aria-label': 'Proposals' },
        h(
          'div',
          { class: 'panel-head' },
          h('h2', {}, 'Proposals waiting for approval'),
          this.#proposalsSummary,
        ),
        this.#proposalList,
      ),
    );
  }

  /** Starts the poll that keeps the tab's count of waiting proposals (and, while shown, the page) current. */
  start(): void {
    window.clearInterval(this.#pollTimer);
    this.#pollTimer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void this.#load();
    }, PLANNING_POLL_MS);
    void this.#load();
  }

  setVisible(visible: boolean): void {
    const shown = visible && !this.#visible;
    this.#visible = visible;
    if (shown) void this.#load();
  }

  refresh(): void {
    void this.#load();
  }

  /** Events from the stream: a note saying a proposal was stored reloads the page (and the count). */
  onEvents(events: readonly PlantEvent[]): void {
    if (!events.some(isProposalNote)) return;
    window.clearTimeout(this.#eventTimer);
    this.#eventTimer = window.setTimeout(() => void this.#load(), EVENT_DEBOUNCE_MS);
  }

  /** The proposals always (for the tab's count); the active schedule, its Gantt and the orders while shown. */
  async #load(): Promise<void> {
    this.#request?.abort();
    const controller = new AbortController();
    this.#request = controller;
    const { api } = this.#options;
    const signal = controller.signal;
    const visible = this.#visible;
    try {
      const [proposals, active, orders] = await Promise.all([
        api.schedules('proposed', signal),
        visible ? api.schedule(undefined, signal).catch(noSchedule) : Promise.resolve(this.#active),
        visible ? api.orders(signal) : Promise.resolve(this.#orders),
      ]);
      if (signal.aborted) return;
      this.#proposals = proposals;
      this.#options.onProposals(proposals.length);
      if (visible) {
        this.#active = active;
        this.#noActive = active === undefined;
        this.#orders = orders;
        this.#error = '';
        this.#render();
        // After the render: the Gantt is asked for the width its panel now has.
        if (active) await this.#loadActiveGantt(active.id, signal);
      }
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      if (error instanceof ApiError && error.status === 401) return;
      const first = this.#error === '';
      this.#error = errorMessage(error);
      if (first) this.#options.onError(`Could not load the production plan: ${this.#error}`);
      if (visible) this.#render();
    } finally {
      if (this.#request === controller) this.#request = undefined;
    }
  }

  async #loadActiveGantt(id: string, signal: AbortSignal): Promise<void> {
    try {
      const gantt = await this.#options.api.scheduleGantt(
        { id, width: ganttWidth(this.#activeGantt.clientWidth) },
        signal,
      );
      if (!signal.aborted) showServerSvg(this.#activeGantt, gantt.svg, GANTT);
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      showServerSvgError(this.#activeGantt, GANTT, error);
    }
  }

  #render(): void {
    const waiting = this.#proposals.length;
    replaceChildren(
      this.#summary,
      waiting > 0
        ? h('span', { class: 'pill pill-warn' }, `${waiting} proposal${waiting === 1 ? '' : 's'} waiting`)
        : 'no proposals waiting',
    );
    this.#renderActive();
    this.#renderProposals();
  }

  #renderActive(): void {
    const active = this.#active;
    const now = Date.now();
    if (!active) {
      replaceChildren(this.#activeHead, h('h2', {}, 'Active schedule'));
      replaceChildren(this.#activeFacts);
      replaceChildren(
        this.#activeGantt,
        this.#error
          ? h('p', { class: 'error-text', role: 'alert' }, this.#error)
          : this.#noActive
            ? h(
                'p',
                { class: 'empty', 'data-testid': 'no-active-schedule' },
                'No active schedule yet — solve the open orders into one, e.g. ',
                h('code', {}, 'gemba schedule solve'),
                '.',
              )
            : h('p', { class: 'empty' }, 'Loading the schedule…'),
      );
      return;
    }
    const late = lateOrders(active, this.#orders);
    const decision = active.decision;
    replaceChildren(
      this.#activeHead,
      h('h2', {}, 'Active schedule'),
      h('span', { class: 'mono planning-id', 'data-testid': 'active-schedule-id' }, active.id),
      h(
        'span',
        { class: 'muted', title: formatDateTime(active.createdAt) },
        `created ${formatWhen(active.createdAt, now)} by ${active.createdBy}`,
      ),
      h(
        'div',
        { class: 'panel-summary' },
        `${orderCount(active)} orders · ${active.operations.length} operations`,
        late.length > 0
          ? h(
              'span',
              {
                class: 'pill pill-alert',
                title: late.map((o) => `${o.id}: ${o.lateMinutes} min late`).join('\n'),
              },
              `${late.length} late`,
            )
          : h('span', { class: 'pill pill-ok' }, 'all on time'),
      ),
    );
    replaceChildren(
      this.#activeFacts,
      ...fact('Makespan', `${formatCompact(active.makespanMinutes)} min`, 'makespan'),
      ...fact('Weighted tardiness', `${formatCompact(active.weightedTardinessMinutes)} min`, 'tardiness'),
      ...fact('Ends', formatDateTime(active.endTs)),
      ...(decision
        ? fact(
            'Approved',
            `${formatWhen(decision.at, now)} by ${decision.by}${decision.note ? ` — “${decision.note}”` : ''}`,
          )
        : []),
      ...(active.trigger ? fact('Prompted by', triggerText(active.trigger.summary, active.origin)) : []),
    );
  }

  #renderProposals(): void {
    const waiting = this.#proposals.length;
    replaceChildren(this.#proposalsSummary, `${waiting} waiting`);
    const cards = new Map<string, Card>();
    for (const proposal of this.#proposals) {
      const kept = this.#cards.get(proposal.id);
      cards.set(
        proposal.id,
        kept && kept.updatedAt === proposal.updatedAt
          ? kept
          : { updatedAt: proposal.updatedAt, element: this.#proposalCard(proposal) },
      );
    }
    this.#cards = cards;
    if (waiting === 0) {
      replaceChildren(
        this.#proposalList,
        h(
          'p',
          { class: 'empty', 'data-testid': 'no-proposals' },
          'No proposals waiting. When a machine goes down with work planned on it, a repaired schedule is proposed here.',
        ),
      );
      return;
    }
    replaceChildren(this.#proposalList, ...[...cards.values()].map((c) => c.element));
  }

  #proposalCard(proposal: Schedule): HTMLElement {
    const now = Date.now();
    const objective = compareObjective(proposal.comparison);
    const rows = changeRows(proposal);
    const gantt = h('div', { class: 'gantt', 'data-testid': 'proposal-gantt', hidden: true });
    const note = h('input', {
      type: 'text',
      class: 'proposal-note',
      maxlength: 2000,
      placeholder: 'Note (optional)',
      'aria-label': 'Note on the decision',
    });
    const status = h('span', { class: 'proposal-status', role: 'status' });
    const toggle = h(
      'button',
      { type: 'button', class: 'ghost', 'data-testid': 'proposal-show-gantt' },
      'Show Gantt',
    );
    const approve = h(
      'button',
      { type: 'button', class: 'primary', 'data-testid': 'proposal-approve' },
      'Approve',
    );
    const reject = h(
      'button',
      { type: 'button', class: 'ghost', 'data-testid': 'proposal-reject' },
      'Reject',
    );
    toggle.addEventListener('click', () => {
      const show = gantt.hidden;
      gantt.hidden = !show;
      toggle.textContent = show ? 'Hide Gantt' : 'Show Gantt';
      if (show && !gantt.firstChild) void this.#loadProposalGantt(proposal.id, gantt);
    });
    const decide = (verdict: Verdict) => {
      const text = note.value.trim();
      for (const button of [approve, reject]) button.disabled = true;
      status.className = 'proposal-status';
      status.textContent = verdict === 'approve' ? 'Approving…' : 'Rejecting…';
      this.#options.api.decideSchedule(verdict, { id: proposal.id, ...(text ? { note: text } : {}) }).then(
        () => this.refresh(),
        (error: unknown) => {
          for (const button of [approve, reject]) button.disabled = false;
          status.className = 'proposal-status error-text';
          status.setAttribute('role', 'alert');
          status.dataset['testid'] = 'proposal-error';
          status.textContent = errorMessage(error);
          // A decision on a proposal that is no longer waiting (someone else decided): the list is stale.
          if (error instanceof ApiError && error.status === 409) this.refresh();
        },
      );
    };
    approve.addEventListener('click', () => decide('approve'));
    reject.addEventListener('click', () => decide('reject'));

    const trigger = proposal.trigger;
    return h(
      'article',
      { class: 'proposal', 'data-testid': 'proposal', 'data-schedule': proposal.id },
      h(
        'div',
        { class: 'model-version-head' },
        h('span', { class: 'mono planning-id' }, proposal.id),
        h('span', { class: 'model-status' }, trigger ? trigger.kind.replaceAll('_', ' ') : 'proposal'),
        proposal.baseId ? h('span', { class: 'muted' }, `repairs ${proposal.baseId}`) : null,
        h(
          'span',
          { class: 'model-created', title: formatDateTime(proposal.createdAt) },
          `${formatWhen(proposal.createdAt, now)} by ${proposal.createdBy}`,
        ),
      ),
      trigger
        ? h(
            'p',
            { class: 'proposal-trigger', title: trigger.summary, 'data-testid': 'proposal-trigger' },
            triggerText(trigger.summary, proposal.origin),
          )
        : null,
      h(
        'dl',
        { class: 'spc-dl planning-facts' },
        ...(objective
          ? fact(
              'Objective',
              h(
                'span',
                { 'data-testid': 'proposal-objective' },
                `${objective.text} `,
                h(
                  'span',
                  { class: `pill ${objective.delta <= 0 ? 'pill-ok' : 'pill-warn'}` },
                  objective.deltaText,
                ),
              ),
            )
          : []),
        ...(objective ? fact('Disruption penalty', objective.disruption) : []),
        ...fact('Makespan', `${formatCompact(proposal.makespanMinutes)} min`),
        ...fact('Weighted tardiness', `${formatCompact(proposal.weightedTardinessMinutes)} min`),
      ),
      changesTable(rows),
      h('div', { class: 'proposal-actions' }, toggle, note, approve, reject, status),
      gantt,
    );
  }

  async #loadProposalGantt(id: string, host: HTMLElement): Promise<void> {
    replaceChildren(host, h('p', { class: 'empty' }, 'Loading the Gantt chart…'));
    try {
      const gantt = await this.#options.api.scheduleGantt({ id, width: ganttWidth(host.clientWidth) });
      showServerSvg(host, gantt.svg, GANTT);
    } catch (error) {
      if (isAbort(error)) return;
      showServerSvgError(host, GANTT, error);
    }
  }
}

/** The active schedule's 404 is an answer (there is none yet), not a failure. */
function noSchedule(error: unknown): undefined {
  if (error instanceof ApiError && error.status === 404) return undefined;
  throw error;
}

function changesTable(rows: ReturnType<typeof changeRows>): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, 'No operation changes.');
  return h(
    'table',
    { class: 'live-table proposal-changes', 'data-testid': 'proposal-changes' },
    tableHead('Order', 'Operation', 'Change', 'From (UTC)', 'To (UTC)'),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          { 'data-order': r.order, 'data-kind': r.kind },
          h('td', { class: 'mono' }, r.order),
          h('td', {}, r.operation),
          h('td', {}, h('span', { class: `change-kind ${r.kind.replaceAll(' ', '-')}` }, r.kind)),
          h('td', { class: 'muted', title: r.fromMachine ?? '' }, r.from || '—'),
          h('td', { title: r.toMachine }, r.to),
        ),
      ),
    ),
  );
}
