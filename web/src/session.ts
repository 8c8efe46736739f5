/** The API token (from the URL fragment, localStorage or a form) and the view state kept in the fragment. */
import { h } from './dom.js';

const TOKEN_KEY = 'gemba.token';

/**
 * Takes `#token=…` from the address bar (the server prints such a URL), stores it and removes it from the
 * address bar and the history entry, so it does not linger in screenshots or bookmarks.
 */
export function takeTokenFromLocation(): string | undefined {
  const params = fragmentParams();
  const token = params.get('token')?.trim();
  if (params.has('token')) {
    params.delete('token');
    writeFragment(params);
  }
  if (!token) return undefined;
  storeToken(token);
  return token;
}

export function storedToken(): string | undefined {
  try {
    return window.localStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled (private mode policies): the form asks each time
  }
}

export function storeToken(token: string): void {
  try {
    window.localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // storage disabled: the token lives only in memory for this page
  }
}

export function clearToken(): void {
  try {
    window.localStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing stored
  }
}

/**
 * Shows the token form over the page and resolves with what the user entered.
 * @example const token = await askForToken(document.body, 'Token expired');
 */
export function askForToken(host: HTMLElement, message?: string): Promise<string> {
  host.querySelector('.token-overlay')?.remove();
  return new Promise((resolve) => {
    const input = h('input', {
      type: 'password',
      name: 'token',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'gmb_…',
      required: true,
      'aria-label': 'API token',
    });
    const form = h(
      'form',
      { class: 'token-form', 'data-testid': 'token-form' },
      h('h2', {}, 'Connect to Gemba'),
      h(
        'p',
        { class: 'hint' },
        'Paste an API token. The server prints a link with one when it starts (',
        h('code', {}, '…/#token=gmb_…'),
        ').',
      ),
      message ? h('p', { class: 'form-error', role: 'alert' }, message) : null,
      h('label', {}, 'API token', input),
      h('button', { type: 'submit', class: 'primary' }, 'Connect'),
    );
    const overlay = h('div', { class: 'token-overlay' }, form);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      storeToken(token);
      overlay.remove();
      resolve(token);
    });
    host.appendChild(overlay);
    input.focus();
  });
}

/** What the address bar remembers about the view, so a link or a reload shows the same thing. */
export interface ViewState {
  /** Which page: the plant (default, absent from the address), 'spc' (the control charts), 'models', 'planning' or 'supply'. */
  readonly view?: string;
  readonly asset?: string;
  readonly tag?: string;
  readonly window?: string;
  /** The control chart shown in the SPC view, and its time window. */
  readonly chart?: string;
  readonly spcWindow?: string;
  /** The item shown in the Supply view. */
  readonly item?: string;
  /** The proposal highlighted in the Approvals view (the assistant links to `#view=approvals&proposal=PR-…`). */
  readonly proposal?: string;
  /** The document open in the Documents view and its highlighted passage (`#view=documents&doc=…&chunk=5`). */
  readonly doc?: string;
  readonly chunk?: string;
  /** The line, cell or machine of the OEE view, and its window (`#view=oee&oee=acme/plant1/…&oeeWindow=24h`). */
  readonly oee?: string;
  readonly oeeWindow?: string;
}

const VIEW_KEYS = [
  'view',
  'asset',
  'tag',
  'window',
  'chart',
  'spcWindow',
  'item',
  'proposal',
  'doc',
  'chunk',
  'oee',
  'oeeWindow',
] as const;

export function readViewState(): ViewState {
  const params = fragmentParams();
  const state: { -readonly [K in keyof ViewState]: string } = {};
  for (const key of VIEW_KEYS) {
    const value = params.get(key);
    if (value) state[key] = value;
  }
  return state;
}

export function writeViewState(state: ViewState): void {
  const params = new URLSearchParams();
  for (const key of VIEW_KEYS) {
    const value = state[key];
    if (value) params.set(key, value);
  }
  writeFragment(params);
}

function fragmentParams(): URLSearchParams {
  return new URLSearchParams(window.location.hash.replace(/^#/, ''));
}

function writeFragment(params: URLSearchParams): void {
  // Slashes are legal in a fragment; keeping them makes asset paths readable in the address bar.
  const fragment = params.toString().replaceAll('%2F', '/');
  const url = `${window.location.pathname}${window.location.search}${fragment ? `#${fragment}` : ''}`;
  window.history.replaceState(window.history.state, '', url);
}
