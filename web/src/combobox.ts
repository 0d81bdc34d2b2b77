/**
 * Search as you type over the registry (an ARIA 1.2 combobox): the subject box and every actor or
 * location an editor names use this one component, so they find the same entries the same way.
 */
import { nameKey, type RegistryItem, searchRegistry, type SubjectKind } from './api.js';
import { h } from './dom.js';

export type Match = RegistryItem & { readonly subjectKind: SubjectKind };

export interface Combobox {
  /** The entry picked from the matches, or null while the text is free. */
  readonly picked: () => Match | null;
  readonly pick: (match: Match | null) => void;
  readonly element: HTMLElement;
}

let counter = 0;

/** An exact match by name or alias, as the registry compares names (case and accents aside). */
function exactMatch(text: string, matches: readonly Match[]): Match | undefined {
  const key = nameKey(text);
  return matches.find((m) => nameKey(m.name) === key || (m.aliases ?? []).some((a) => nameKey(a) === key));
}

export function combobox(options: {
  readonly input: HTMLInputElement;
  readonly kinds: readonly SubjectKind[];
  readonly onPick?: (match: Match) => void;
  /** Warn when the text is left free but resembles a known entry (forms; not the subject box). */
  readonly warnNearMatch?: boolean;
}): Combobox {
  const { input, kinds } = options;
  const id = `combo-${++counter}`;
  const listbox = h('ul', { id: `${id}-options`, role: 'listbox', 'aria-label': 'Matches', hidden: true });
  const warning = h('p', { class: 'near-match', id: `${id}-warning`, 'aria-live': 'polite', hidden: true });
  input.setAttribute('role', 'combobox');
  input.setAttribute('autocomplete', 'off');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', listbox.id);
  const wrapper = input.parentElement?.classList.contains('combo')
    ? input.parentElement
    : h('div', { class: 'combo' });
  if (wrapper !== input.parentElement) {
    input.replaceWith(wrapper);
    wrapper.append(input);
  }
  wrapper.append(listbox, warning);

  let matches: Match[] = [];
  /** Matches of a shorter text typed before: what a typo at the end most likely meant. */
  let earlier: { text: string; matches: Match[] } = { text: '', matches: [] };
  let active = -1;
  let picked: Match | null = null;
  let seq = 0;
  let timer: number | undefined;

  function close(): void {
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function render(): void {
    listbox.replaceChildren(
      ...matches.map((match, i) =>
        h(
          'li',
          {
            id: `${id}-option-${i}`,
            role: 'option',
            'aria-selected': i === active ? 'true' : 'false',
            'data-index': String(i),
          },
          h('span', { class: 'option-name' }, match.name),
          ' ',
          h(
            'span',
            { class: 'option-kind' },
            [kinds.length > 1 ? match.subjectKind : '', match.kind ?? 'provisional', match.id]
              .filter((part) => part !== '')
              .join(' · '),
          ),
        ),
      ),
    );
    if (matches.length === 0) {
      listbox.append(h('li', { class: 'empty', role: 'option', 'aria-disabled': 'true' }, 'No match'));
    }
    listbox.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    if (active >= 0) input.setAttribute('aria-activedescendant', `${id}-option-${active}`);
    else input.removeAttribute('aria-activedescendant');
  }

  function describedBy(): void {
    const ids = (input.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter((x) => x !== warning.id && x);
    if (!warning.hidden) ids.push(warning.id);
    if (ids.length > 0) input.setAttribute('aria-describedby', ids.join(' '));
    else input.removeAttribute('aria-describedby');
  }

  /** A free text that is not exactly a known name: say so, and offer what it nearly matches. */
  function checkNearMatch(): void {
    if (!options.warnNearMatch) return;
    const text = input.value.trim();
    const near = matches.length > 0 ? matches : text.startsWith(earlier.text) ? earlier.matches : [];
    if (picked !== null || text === '' || exactMatch(text, matches) !== undefined || near.length === 0) {
      warning.hidden = true;
      describedBy();
      return;
    }
    warning.replaceChildren(
      `“${text}” is not a known name: it will be recorded as a new entry. Did you mean `,
      ...near
        .slice(0, 3)
        .flatMap((match, i) => [
          i === 0 ? '' : ' or ',
          h('button', { type: 'button', class: 'link-button', 'data-suggestion': match.id }, match.name),
        ]),
      '?',
    );
    for (const [i, button] of [...warning.querySelectorAll('button')].entries()) {
      const match = near[i];
      button.addEventListener('click', () => {
        if (match) choose(match);
        input.focus();
      });
    }
    warning.hidden = false;
    describedBy();
  }

  async function run(q: string): Promise<void> {
    const mine = ++seq;
    try {
      const found = await Promise.all(
        kinds.map(async (kind) =>
          (await searchRegistry(kind, q)).map((item) => ({ ...item, subjectKind: kind })),
        ),
      );
      if (mine !== seq) return;
      matches = found.flat();
      if (matches.length > 0) earlier = { text: q, matches };
      active = matches.length > 0 ? 0 : -1;
      // An answer that arrives after the editor moved on must not open a list over other fields.
      if (document.activeElement === input) render();
      checkNearMatch();
    } catch {
      if (mine === seq) close();
    }
  }

  function choose(match: Match): void {
    picked = match;
    input.value = match.name;
    input.dataset['id'] = match.id;
    close();
    warning.hidden = true;
    describedBy();
    options.onPick?.(match);
  }

  input.addEventListener('input', () => {
    picked = null;
    delete input.dataset['id'];
    window.clearTimeout(timer);
    const q = input.value.trim();
    if (q === '') {
      close();
      checkNearMatch();
      return;
    }
    timer = window.setTimeout(() => void run(q), 150);
  });
  input.addEventListener('keydown', (event) => {
    if (listbox.hidden) {
      if (event.key === 'ArrowDown' && input.value.trim() !== '') {
        event.preventDefault();
        void run(input.value.trim());
      }
      return;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const n = matches.length;
      if (n === 0) return;
      active = (active + (event.key === 'ArrowDown' ? 1 : n - 1)) % n;
      render();
    } else if (event.key === 'Enter') {
      const match = matches[active];
      if (match === undefined) return;
      event.preventDefault();
      choose(match);
    } else if (event.key === 'Escape') {
      // Closes the matches only, not the form around the box.
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  listbox.addEventListener('mousedown', (event) => {
    event.preventDefault();
  });
  listbox.addEventListener('click', (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    const match = matches[Number(item?.dataset['index'])];
    if (match !== undefined) choose(match);
  });
  input.addEventListener('blur', () => {
    close();
    checkNearMatch();
  });

  return {
    picked: () => picked,
    pick: (match) => {
      if (match === null) {
        picked = null;
        delete input.dataset['id'];
      } else choose(match);
    },
    element: wrapper,
  };
}
