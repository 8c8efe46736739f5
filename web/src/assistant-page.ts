/**
 * The Ask page: a question box and the transcript of questions and answers (newest at the bottom), each answer with
 * its sources as numbered links into the plant view's trend or the Supply page, and how it was answered (the tool
 * calls and the confidence). A declined answer reads quietly; a failed request says why. The transcript lives as long
 * as the page; nothing is sent until the user asks.
 */
import { ApiError, errorMessage, type ApiClient } from './api.js';
import { h } from './dom.js';
import {
  EXAMPLE_QUESTIONS,
  MAX_QUESTION_LENGTH,
  answerBlocks,
  howAnsweredText,
  progressText,
  questionToSend,
  sourceLink,
  toolCallText,
  type AssistantAnswer,
} from './assistant-model.js';
import { WINDOWS } from './trend-chart.js';

export interface AssistantPageOptions {
  readonly api: ApiClient;
}

export class AssistantPage {
  readonly element: HTMLElement;
  readonly #options: AssistantPageOptions;
  readonly #transcript: HTMLElement;
  readonly #empty: HTMLElement;
  readonly #form: HTMLFormElement;
  readonly #input: HTMLInputElement;
  readonly #send: HTMLButtonElement;
  #waiting = false;

  constructor(options: AssistantPageOptions) {
    this.#options = options;
    this.#empty = h(
      'div',
      { class: 'assistant-empty', 'data-testid': 'assistant-examples' },
      h(
        'p',
        { class: 'muted' },
        'Ask about the plant in plain words: a signal now or over a window, the active alarms, why a machine ' +
          'stopped, open work orders, an item’s forecast or whether to reorder. Every figure comes with its source.',
      ),
      h(
        'div',
        { class: 'assistant-chips' },
        ...EXAMPLE_QUESTIONS.map((q) =>
          h('button', { type: 'button', class: 'assistant-chip', 'data-question': q }, q),
        ),
      ),
    );
    this.#empty.addEventListener('click', (event) => {
      if (!(event.target instanceof Element)) return;
      const question = event.target.closest<HTMLElement>('[data-question]')?.dataset['question'];
      if (question) void this.ask(question);
    });
    this.#transcript = h(
      'div',
      {
        class: 'assistant-transcript',
        'data-testid': 'assistant-transcript',
        role: 'log',
        'aria-live': 'polite',
        'aria-label': 'Questions and answers',
      },
      this.#empty,
    );
    this.#input = h('input', {
      type: 'text',
      class: 'assistant-input',
      name: 'question',
      autocomplete: 'off',
      maxlength: MAX_QUESTION_LENGTH,
      placeholder: 'Ask about the plant, e.g. “what is the oil temperature on press 3 now?”',
      'aria-label': 'Question',
      'data-testid': 'assistant-question',
    });
    this.#send = h('button', { type: 'submit', class: 'primary', 'data-testid': 'assistant-send' }, 'Ask');
    this.#form = h('form', { class: 'assistant-form' }, this.#input, this.#send);
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.ask(this.#input.value);
    });
    this.element = h(
      'main',
      { class: 'models-layout assistant-layout', 'data-testid': 'assistant-view' },
      h(
        'div',
        { class: 'models-head' },
        h('h2', {}, 'Ask'),
        h('span', { class: 'muted' }, 'questions about the plant, answered from its data with the sources'),
      ),
      h(
        'section',
        { class: 'panel assistant-panel', 'aria-label': 'Assistant' },
        h(
          'div',
          { class: 'panel-head' },
          h('h2', {}, 'Assistant'),
          h('div', { class: 'panel-summary' }, 'read-only · answers as you, with your role'),
        ),
        this.#transcript,
        this.#form,
      ),
    );
  }

  setVisible(visible: boolean): void {
    if (visible && !this.#waiting) this.#input.focus();
  }

  /** Sends a question: it joins the transcript at once, its answer (or the error) follows under it. */
  async ask(text: string): Promise<void> {
    const question = questionToSend(text);
    if (question === undefined || this.#waiting) return;
    this.#setWaiting(true);
    this.#empty.remove();
    const reply = h(
      'div',
      { class: 'assistant-answer pending', 'data-testid': 'assistant-pending', role: 'status' },
      'Looking it up…',
    );
    const turn = h(
      'article',
      { class: 'assistant-turn', 'data-testid': 'assistant-turn' },
      h('p', { class: 'assistant-question', 'data-testid': 'assistant-asked' }, question),
      reply,
    );
    this.#transcript.appendChild(turn);
    this.#scrollToEnd();
    try {
      // Each tool call shows as it happens; a model's text shows as it is written, until the checked answer.
      const steps = h('ul', { class: 'assistant-steps muted', 'data-testid': 'assistant-steps' });
      const draft = h('p', { class: 'assistant-draft muted' });
      reply.append(steps, draft);
      const answer = await this.#options.api.askStreaming(question, (event) => {
        if (event.type === 'text') {
          draft.textContent = `${draft.textContent ?? ''}${event.delta}`;
          return;
        }
        const line = progressText(event);
        if (line === undefined) return;
        const last = steps.lastElementChild;
        if (event.type === 'tool_result' && last?.textContent === `${event.name} …`) last.textContent = line;
        else steps.appendChild(h('li', {}, line));
        this.#scrollToEnd();
      });
      reply.replaceWith(answerView(answer));
      this.#input.value = '';
    } catch (error) {
      const signIn = error instanceof ApiError && error.status === 401 ? ' — sign in and ask again' : '';
      reply.replaceWith(
        h(
          'p',
          { class: 'assistant-answer error-text', 'data-testid': 'assistant-error', role: 'alert' },
          `Could not answer: ${errorMessage(error)}${signIn}`,
        ),
      );
    } finally {
      this.#setWaiting(false);
      this.#scrollToEnd();
      if (!this.element.hidden) this.#input.focus();
    }
  }

  #setWaiting(waiting: boolean): void {
    this.#waiting = waiting;
    this.#input.disabled = waiting;
    this.#send.disabled = waiting;
    this.#form.setAttribute('aria-busy', String(waiting));
  }

  #scrollToEnd(): void {
    this.#transcript.scrollTop = this.#transcript.scrollHeight;
  }
}

/** An answer: its text, its numbered sources, and how it was reached (folded). */
function answerView(answer: AssistantAnswer): HTMLElement {
  const now = Date.now();
  const sources = answer.citations.map((c) => sourceLink(c, { now, windows: WINDOWS }));
  return h(
    'div',
    {
      class: `assistant-answer${answer.declined ? ' declined' : ''}`,
      'data-testid': 'assistant-answer',
      'data-declined': String(answer.declined),
      ...(answer.intent ? { 'data-intent': answer.intent } : {}),
    },
    h(
      'div',
      { class: 'assistant-text', 'data-testid': 'assistant-text' },
      ...answerBlocks(answer.answer).map((block) =>
        block.kind === 'paragraph'
          ? h('p', {}, block.text)
          : h('ul', {}, ...block.items.map((item) => h('li', {}, item))),
      ),
    ),
    (answer.proposals ?? []).length > 0
      ? h(
          'ul',
          { class: 'assistant-proposals', 'data-testid': 'assistant-proposals' },
          ...(answer.proposals ?? []).map((p) =>
            h(
              'li',
              {},
              'Waiting for approval: ',
              h('a', { href: `#view=approvals&proposal=${p.id}` }, p.id),
              ` — ${p.summary}`,
            ),
          ),
        )
      : null,
    sources.length > 0
      ? h(
          'ol',
          { class: 'assistant-sources', 'data-testid': 'assistant-sources', 'aria-label': 'Sources' },
          ...sources.map((s) =>
            h(
              'li',
              { 'data-kind': s.kind },
              s.href
                ? h('a', { href: s.href, title: s.title, 'data-testid': 'assistant-source' }, s.label)
                : h('span', { 'data-testid': 'assistant-source' }, s.label),
            ),
          ),
        )
      : null,
    h(
      'details',
      { class: 'assistant-how', 'data-testid': 'assistant-how' },
      h('summary', {}, 'How it was answered', h('span', { class: 'muted' }, ` · ${howAnsweredText(answer)}`)),
      h(
        'ul',
        {},
        ...answer.toolCalls.map((call) =>
          h('li', { class: call.ok ? 'ok' : 'failed', 'data-tool': call.name }, toolCallText(call)),
        ),
        answer.intent ? h('li', { class: 'muted' }, `intent ${answer.intent} · ${answer.mode}`) : null,
        ...(answer.notes ?? []).map((note) => h('li', { class: 'muted' }, note)),
      ),
    ),
  );
}
