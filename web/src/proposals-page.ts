/**
 * The Approvals page: changes proposed by the assistant or by people, each with who asked (and the question, for
 * the assistant), what would happen, the role it needs, and Approve / Reject for a user whose role suffices; after
 * a decision, what came of it. `#view=approvals&proposal=PR-…` highlights one. Loaded when the page shows and every
 * 30 s; the count of pending proposals is kept for the tab even while the page is hidden.
 */
import { ApiError, errorMessage, isAbort, type ApiClient } from './api.js';
import { fact, h, replaceChildren } from './dom.js';
import { formatDateTime } from './format.js';
import {
  PROPOSALS_LIMIT,
  PROPOSALS_POLL_MS,
  askedText,
  canDecide,
  decideHint,
  pendingCount,
  previewRows,
  resultText,
  sortProposals,
  statusLabel,
  type Caller,
  type Proposal,
  type Verdict,
} from './proposals-model.js';
import { formatWhen } from './spc-model.js';

export interface ProposalsPageOptions {
  readonly api: ApiClient;
  /** The number of proposals waiting for a decision, after every load. */
  readonly onPending: (count: number) => void;
  /** The highlighted proposal changed (by a click): the address should say so. */
  readonly onSelect: () => void;
  readonly onError: (message: string) => void;
}

/** A card, kept across reloads (with the note typed into it) while its proposal and the caller are unchanged. */
interface Card {
  readonly key: string;
  readonly element: HTMLElement;
}

export class ProposalsPage {
  readonly element: HTMLElement;
  readonly #options: ProposalsPageOptions;
  readonly #summary: HTMLElement;
  readonly #list: HTMLElement;

  #proposals: Proposal[] = [];
  #caller: Caller | undefined;
  #loaded = false;
  #error = '';
  #cards = new Map<string, Card>();
  #selected: string | undefined;
  /** Scroll the highlighted card into view after the next render (it was named by the address). */
  #scrollPending = false;
  #visible = false;
  #pollTimer: number | undefined;
  #request: AbortController | undefined;

  constructor(options: ProposalsPageOptions) {
    this.#options = options;
    this.#summary = h('div', { class: 'panel-summary', 'data-testid': 'approvals-summary' });
    this.#list = h('div', { class: 'proposal-list', 'data-testid': 'approval-list' });
    this.#list.addEventListener('click', (event) => {
      if (!(event.target instanceof Element)) return;
      if (event.target.closest('button, input, a')) return;
      const id = event.target.closest<HTMLElement>('[data-proposal]')?.dataset['proposal'];
      if (id && id !== this.#selected) {
        this.#select(id);
        this.#options.onSelect();
      }
    });
    this.element = h(
      'main',
      { class: 'models-layout approvals-layout', 'data-testid': 'approvals-view' },
      h(
        'div',
        { class: 'models-head' },
        h('h2', {}, 'Approvals'),
        h(
          'span',
          { class: 'muted' },
          'changes asked for by the assistant or by people, waiting for someone whose role allows them',
        ),
        this.#summary,
      ),
      h(
        'section',
        { class: 'panel', 'aria-label': 'Proposed changes' },
        h('div', { class: 'panel-head' }, h('h2', {}, 'Proposed changes')),
        this.#list,
      ),
    );
  }

  /** The highlighted proposal, for the address bar. */
  get selected(): string | undefined {
    return this.#selected;
  }

  /** Starts the poll that keeps the tab's count of pending proposals (and, while shown, the page) current. */
  start(): void {
    window.clearInterval(this.#pollTimer);
    this.#pollTimer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void this.#load();
    }, PROPOSALS_POLL_MS);
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

  /** Highlights a proposal named by the address (a link from the assistant) and scrolls to it. */
  highlight(id: string | undefined): void {
    this.#select(id);
    this.#scrollPending = id !== undefined;
    if (this.#loaded) void this.#load();
  }

  #select(id: string | undefined): void {
    this.#selected = id;
    for (const card of this.#list.querySelectorAll<HTMLElement>('[data-proposal]')) {
      const on = card.dataset['proposal'] === id;
      card.classList.toggle('highlighted', on);
      if (on) card.setAttribute('aria-current', 'true');
      else card.removeAttribute('aria-current');
    }
  }

  async #load(): Promise<void> {
    this.#request?.abort();
    const controller = new AbortController();
    this.#request = controller;
    const { signal } = controller;
    const { api } = this.#options;
    try {
      const { proposals, caller } = await api.proposals({ limit: PROPOSALS_LIMIT }, signal);
      // A linked proposal older than the latest hundred is fetched on its own.
      const wanted = this.#selected;
      const extra =
        this.#visible && wanted && !proposals.some((p) => p.id === wanted)
          ? await api.proposal(wanted, signal).catch(notFound)
          : undefined;
      if (signal.aborted) return;
      this.#proposals = extra ? [...proposals, extra] : proposals;
      this.#caller = caller;
      this.#loaded = true;
      this.#error = '';
      this.#options.onPending(pendingCount(proposals));
      if (this.#visible) this.#render();
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      if (error instanceof ApiError && error.status === 401) return;
      const first = this.#error === '';
      this.#error = errorMessage(error);
      if (first) this.#options.onError(`Could not load the proposals: ${this.#error}`);
      if (this.#visible) this.#render();
    } finally {
      if (this.#request === controller) this.#request = undefined;
    }
  }

  #render(): void {
    const pending = pendingCount(this.#proposals);
    const caller = this.#caller;
    replaceChildren(
      this.#summary,
      pending > 0
        ? h('span', { class: 'pill pill-warn' }, `${pending} waiting`)
        : this.#loaded
          ? 'none waiting'
          : '',
      caller
        ? h(
            'span',
            { class: 'muted', 'data-testid': 'approvals-caller' },
            ` · you: ${caller.name} (${caller.role})`,
          )
        : null,
    );
    if (this.#error && !this.#loaded) {
      replaceChildren(this.#list, h('p', { class: 'error-text', role: 'alert' }, this.#error));
      return;
    }
    if (this.#proposals.length === 0) {
      replaceChildren(
        this.#list,
        this.#loaded
          ? h(
              'p',
              { class: 'empty', 'data-testid': 'no-approvals' },
              'No proposed changes. When the assistant is asked to change something, or someone proposes a change (',
              h('code', {}, 'gemba proposals create'),
              '), it waits here for approval.',
            )
          : h('p', { class: 'empty' }, 'Loading the proposals…'),
      );
      return;
    }
    const cards = new Map<string, Card>();
    for (const proposal of sortProposals(this.#proposals)) {
      const key = `${proposal.updatedAt}|${proposal.status}|${caller?.role ?? ''}`;
      const kept = this.#cards.get(proposal.id);
      cards.set(proposal.id, kept && kept.key === key ? kept : { key, element: this.#card(proposal) });
    }
    this.#cards = cards;
    replaceChildren(this.#list, ...[...cards.values()].map((c) => c.element));
    this.#select(this.#selected);
    if (this.#scrollPending && this.#selected) {
      const card = this.#cards.get(this.#selected)?.element;
      if (card) {
        this.#scrollPending = false;
        card.scrollIntoView({ block: 'nearest' });
      }
    }
  }

  #card(proposal: Proposal): HTMLElement {
    const now = Date.now();
    const caller = this.#caller;
    const allowed = canDecide(proposal, caller);
    const hint = decideHint(proposal, caller);
    const rows = previewRows(proposal.preview);
    const decided = proposal.status !== 'pending' && proposal.decidedBy;
    return h(
      'article',
      {
        class: `proposal approval status-${proposal.status}`,
        'data-testid': 'approval',
        'data-proposal': proposal.id,
        'data-status': proposal.status,
      },
      h(
        'div',
        { class: 'model-version-head' },
        h('span', { class: 'mono planning-id' }, proposal.id),
        h(
          'span',
          { class: `model-status approval-status ${proposal.status}`, 'data-testid': 'approval-status' },
          statusLabel(proposal.status),
        ),
        h('span', { class: 'mono muted' }, proposal.operation),
        h(
          'span',
          { class: 'model-created', title: formatDateTime(proposal.createdAt) },
          `${formatWhen(proposal.createdAt, now)} by `,
          h('span', { 'data-testid': 'approval-asked' }, askedText(proposal)),
        ),
      ),
      h('p', { class: 'proposal-trigger', 'data-testid': 'approval-summary' }, proposal.summary),
      proposal.question
        ? h(
            'blockquote',
            { class: 'approval-question', 'data-testid': 'approval-question' },
            `Asked: “${proposal.question}”`,
          )
        : null,
      proposal.reason
        ? h('p', { class: 'muted', 'data-testid': 'approval-reason' }, `Why: ${proposal.reason}`)
        : null,
      h(
        'details',
        { class: 'approval-preview', open: proposal.status === 'pending' },
        h('summary', {}, 'What would happen'),
        rows.length > 0
          ? h(
              'dl',
              { class: 'spc-dl approval-facts', 'data-testid': 'approval-preview' },
              ...rows.flatMap((r) => {
                const [dt, dd] = fact(r.label, r.value);
                if (dd) dd.dataset['key'] = r.key;
                return [dt, dd];
              }),
            )
          : h('p', { class: 'muted' }, 'No preview.'),
      ),
      h(
        'dl',
        { class: 'spc-dl approval-facts' },
        ...fact('Needs', h('span', { 'data-testid': 'approval-role' }, `the ${proposal.requiredRole} role`)),
        ...(decided
          ? fact(
              proposal.status === 'rejected' ? 'Rejected' : 'Approved',
              `${formatWhen(proposal.decidedAt ?? now, now)} by ${proposal.decidedBy ?? ''}${proposal.note ? ` — “${proposal.note}”` : ''}`,
            )
          : []),
      ),
      this.#outcome(proposal),
      proposal.status === 'pending' ? this.#actions(proposal, allowed, hint) : null,
    );
  }

  #outcome(proposal: Proposal): HTMLElement | null {
    if (proposal.status === 'approved' && proposal.result !== undefined && proposal.result !== null) {
      return h(
        'p',
        { class: 'approval-outcome ok', 'data-testid': 'approval-outcome' },
        'Done: ',
        h('span', { class: 'mono' }, resultText(proposal.result)),
      );
    }
    if (proposal.status === 'failed') {
      return h(
        'p',
        { class: 'approval-outcome error-text', role: 'alert', 'data-testid': 'approval-outcome' },
        `Failed: ${proposal.error ?? 'no reason given'}`,
      );
    }
    return null;
  }

  #actions(proposal: Proposal, allowed: boolean, hint: string): HTMLElement {
    const note = h('input', {
      type: 'text',
      class: 'proposal-note',
      maxlength: 2000,
      placeholder: 'Note (optional)',
      'aria-label': 'Note on the decision',
      'data-testid': 'approval-note',
      disabled: !allowed,
    });
    const status = h('span', { class: 'proposal-status', role: 'status' }, allowed ? '' : hint);
    const approve = h(
      'button',
      {
        type: 'button',
        class: 'primary',
        'data-testid': 'approval-approve',
        disabled: !allowed,
        title: hint || null,
      },
      'Approve',
    );
    const reject = h(
      'button',
      {
        type: 'button',
        class: 'ghost',
        'data-testid': 'approval-reject',
        disabled: !allowed,
        title: hint || null,
      },
      'Reject',
    );
    const decide = (verdict: Verdict) => {
      const text = note.value.trim();
      for (const control of [approve, reject, note]) control.disabled = true;
      status.className = 'proposal-status';
      status.removeAttribute('data-testid');
      status.textContent = verdict === 'approve' ? 'Approving…' : 'Rejecting…';
      this.#options.api.decideProposal(verdict, { id: proposal.id, ...(text ? { note: text } : {}) }).then(
        (decided) => {
          this.#proposals = this.#proposals.map((p) => (p.id === decided.id ? decided : p));
          this.#options.onPending(pendingCount(this.#proposals));
          this.#render();
        },
        (error: unknown) => {
          for (const control of [approve, reject, note]) control.disabled = false;
          status.className = 'proposal-status error-text';
          status.setAttribute('role', 'alert');
          status.dataset['testid'] = 'approval-error';
          status.textContent = errorMessage(error);
          // Decided by someone else meanwhile: the list is stale.
          if (error instanceof ApiError && error.status === 409) this.refresh();
        },
      );
    };
    approve.addEventListener('click', () => decide('approve'));
    reject.addEventListener('click', () => decide('reject'));
    return h('div', { class: 'proposal-actions' }, note, approve, reject, status);
  }
}

/** A linked proposal that does not exist is no failure of the page: it is just not there. */
function notFound(error: unknown): undefined {
  if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return undefined;
  throw error;
}
