/**
 * Structured inputs for the editor's forms, derived from the domain's kind table: numbers as
 * numbers, fixed vocabularies as choices, actors and locations through the registry search. A new
 * kind or detail in `KINDS` appears here without a page edit.
 */
import {
  ACTOR_ROLES,
  type FieldError,
  type IncidentKind,
  KIND_TABLE,
  LOCATION_ROLES,
  type Participant,
  parsePartialDate,
  type Source,
  type SubjectKind,
  words,
} from './api.js';
import type { DetailField } from '../../src/incidents/incident.js';
import { combobox, type Match } from './combobox.js';
import { h } from './dom.js';

let counter = 0;
export const uid = (prefix: string): string => `${prefix}-${++counter}`;

/** A labelled control in a `.field` wrapper; `data-field` is the API path its errors name. */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  path?: string,
  hint?: string,
): HTMLElement {
  control.id ||= uid('f');
  const hintId = hint === undefined ? undefined : `${control.id}-hint`;
  if (hintId !== undefined) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field', ...(path === undefined ? {} : { 'data-field': path }) },
    h('label', { for: control.id }, label),
    control,
    hint === undefined ? null : h('p', { class: 'hint', id: hintId }, hint),
  );
}

export const DATE_HINT = 'a year (2023), a month (2023-11) or a day (2023-11-06)';

/** A date as the API takes it: a year, a month or a day. */
export function dateInput(attributes: Record<string, string> = {}): HTMLInputElement {
  return h('input', {
    inputmode: 'numeric',
    pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?',
    placeholder: 'YYYY-MM-DD',
    autocomplete: 'off',
    spellcheck: 'false',
    ...attributes,
  });
}

/** A date typed by an editor: '' is no date, anything else must be a real year, month or day. */
export function checkDate(value: string, path: string): FieldError[] {
  return value === '' || parsePartialDate(value) ? [] : [{ field: path, message: `must be ${DATE_HINT}` }];
}

/* ---------- actors and locations ---------- */

export interface MentionList {
  readonly element: HTMLElement;
  readonly read: () => { id?: string; name?: string; role: string }[];
  readonly setKind: (kind: IncidentKind) => void;
}

function roleOptions(select: HTMLSelectElement, list: 'actors' | 'locations', kind: IncidentKind): void {
  const spec = KIND_TABLE[kind];
  const usual: readonly string[] = list === 'actors' ? spec.actorRoles : spec.locationRoles;
  const all: readonly string[] = list === 'actors' ? ACTOR_ROLES : LOCATION_ROLES;
  // A role the editor chose stays; the one a row started with follows the kind.
  const current = select.dataset['chosen'] === 'true' ? select.value : '';
  select.replaceChildren(
    h(
      'optgroup',
      { label: `Usual for ${words(kind)}` },
      ...usual.map((r) => h('option', { value: r }, words(r))),
    ),
    h(
      'optgroup',
      { label: 'Other roles' },
      ...all.filter((r) => !usual.includes(r)).map((r) => h('option', { value: r }, words(r))),
    ),
  );
  if (current !== '' && all.includes(current)) select.value = current;
}

/** A row to start with: a registered participant, or a name the registry does not know yet. */
export type MentionRow =
  Participant | { readonly id?: undefined; readonly name: string; readonly role: string };

/** Rows of `who | role`, each "who" searched in the registry as it is typed. */
export function mentionList(
  list: 'actors' | 'locations',
  kind: IncidentKind,
  initial: readonly MentionRow[] = [],
  pathPrefix = '',
): MentionList {
  const subjectKind: SubjectKind = list === 'actors' ? 'actor' : 'location';
  const noun = list === 'actors' ? 'Actor' : 'Location';
  const rows = h('ol', { class: 'mention-rows' });
  let currentKind = kind;
  const entries: {
    row: HTMLElement;
    input: HTMLInputElement;
    role: HTMLSelectElement;
    remove: () => void;
  }[] = [];

  function renumber(): void {
    entries.forEach((entry, i) => {
      entry.row.dataset['field'] = `${pathPrefix}${list}.${i}`;
    });
  }

  function addRow(participant?: MentionRow, focus = false): void {
    const input = h('input', { type: 'text', class: 'mention-name' });
    const role = h('select', { class: 'mention-role' });
    roleOptions(role, list, currentKind);
    if (participant) {
      role.value = participant.role;
      role.dataset['chosen'] = 'true';
    }
    role.addEventListener('change', () => {
      role.dataset['chosen'] = 'true';
    });
    const row = h('li', { class: 'mention-row' });
    const removeButton = h('button', { type: 'button', class: 'secondary' }, `Remove`);
    row.append(field(noun, input), field('Role', role), removeButton);
    rows.append(row);
    const box = combobox({ input, kinds: [subjectKind], warnNearMatch: true });
    if (participant?.id !== undefined) {
      box.pick({ id: participant.id, name: participant.name ?? participant.id, kind: null, subjectKind });
    } else if (participant) {
      // A name the registry does not know yet (a draft's proposal): recording registers it.
      input.value = participant.name;
    }
    const entry = {
      row,
      input,
      role,
      remove: () => {
        row.remove();
        entries.splice(entries.indexOf(entry), 1);
        renumber();
      },
    };
    removeButton.setAttribute('aria-label', `Remove this ${noun.toLowerCase()}`);
    removeButton.addEventListener('click', () => {
      const index = entries.indexOf(entry);
      entry.remove();
      (entries[Math.min(index, entries.length - 1)]?.input ?? add).focus();
    });
    entries.push(entry);
    renumber();
    if (focus) input.focus();
  }

  const add = h('button', { type: 'button', class: 'secondary' }, `Add ${noun.toLowerCase()}`);
  add.addEventListener('click', () => {
    addRow(undefined, true);
  });
  for (const participant of initial) addRow(participant);
  if (initial.length === 0) addRow();

  return {
    element: h(
      'fieldset',
      { class: 'mentions', 'data-field': `${pathPrefix}${list}` },
      h('legend', {}, list === 'actors' ? 'Actors' : 'Locations'),
      rows,
      add,
    ),
    read: () =>
      entries.flatMap(({ input, role }): { id?: string; name?: string; role: string }[] => {
        const name = input.value.trim();
        const id = input.dataset['id'];
        if (id !== undefined) return [{ id, role: role.value }];
        return name === '' ? [] : [{ name, role: role.value }];
      }),
    setKind: (next) => {
      currentKind = next;
      for (const entry of entries) roleOptions(entry.role, list, next);
    },
  };
}

/* ---------- sources ---------- */

export interface SourceFields {
  readonly element: HTMLElement;
  /** The source, undefined when left empty; errors for what cannot be sent. */
  readonly read: () => { source?: Source; errors: FieldError[] };
}

/** Publisher, link, date, title and quote of one source. */
export function sourceFields(
  path: string,
  legend: string,
  required: boolean,
  initial?: Source,
): SourceFields {
  const publisher = h('input', { type: 'text', autocomplete: 'off' });
  const url = h('input', { type: 'url', placeholder: 'https://…', autocomplete: 'off' });
  const publishedOn = dateInput();
  const title = h('input', { type: 'text', autocomplete: 'off' });
  const quote = h('input', { type: 'text', autocomplete: 'off' });
  publisher.value = initial?.publisher ?? '';
  url.value = initial?.url ?? '';
  publishedOn.value = initial?.publishedOn ?? '';
  title.value = initial?.title ?? '';
  quote.value = initial?.quote ?? '';
  if (required) publisher.required = true;
  const element = h(
    'fieldset',
    { class: 'source', 'data-field': path },
    h('legend', {}, legend),
    h(
      'div',
      { class: 'row' },
      field(required ? 'Publisher' : 'Publisher (optional)', publisher, `${path}.publisher`),
      field('Published on', publishedOn, `${path}.publishedOn`),
    ),
    field('Link', url, `${path}.url`),
    h(
      'div',
      { class: 'row' },
      field('Headline', title, `${path}.title`),
      field('Quote', quote, `${path}.quote`),
    ),
  );
  return {
    element,
    read: () => {
      const values = {
        publisher: publisher.value.trim(),
        url: url.value.trim(),
        publishedOn: publishedOn.value.trim(),
        title: title.value.trim(),
        quote: quote.value.trim(),
      };
      const empty = Object.values(values).every((v) => v === '');
      if (empty && !required) return { errors: [] };
      const errors = checkDate(values.publishedOn, `${path}.publishedOn`);
      if (values.publisher === '')
        errors.push({ field: `${path}.publisher`, message: 'a source needs its publisher' });
      const source: Source = {
        publisher: values.publisher,
        ...(values.url ? { url: values.url } : {}),
        ...(values.publishedOn ? { publishedOn: values.publishedOn } : {}),
        ...(values.title ? { title: values.title } : {}),
        ...(values.quote ? { quote: values.quote } : {}),
      };
      return { source, errors };
    },
  };
}

/** Several sources, one fieldset each, with a button for one more. */
export function sourceList(
  path: string,
  initial: readonly Source[] = [],
): {
  element: HTMLElement;
  read: () => { sources: Source[]; errors: FieldError[] };
} {
  const items: SourceFields[] = [];
  const list = h('div', { class: 'sources-list' });
  const addSource = (focus: boolean, source?: Source): void => {
    const i = items.length;
    const fields = sourceFields(`${path}.${i}`, i === 0 ? 'Source' : `Source ${i + 1}`, i === 0, source);
    items.push(fields);
    list.append(fields.element);
    if (focus) fields.element.querySelector('input')?.focus();
  };
  if (initial.length === 0) addSource(false);
  for (const source of initial) addSource(false, source);
  const more = h('button', { type: 'button', class: 'secondary' }, 'Add another source');
  more.addEventListener('click', () => {
    addSource(true);
  });
  return {
    element: h('div', { 'data-field': path }, list, more),
    read: () => {
      const read = items.map((item) => item.read());
      return {
        sources: read.flatMap((r) => (r.source ? [r.source] : [])),
        errors: read.flatMap((r) => r.errors),
      };
    },
  };
}

/* ---------- details, per kind ---------- */

interface DetailInput {
  readonly element: HTMLElement;
  /** undefined when nothing was entered: a figure not reported stays absent, never 0. */
  readonly read: () => { value?: unknown; errors: FieldError[] };
}

function numberInput(integer: boolean, max: number, value: unknown): HTMLInputElement {
  const input = h('input', {
    type: 'number',
    min: '0',
    max: String(max),
    step: integer ? '1' : 'any',
    inputmode: integer ? 'numeric' : 'decimal',
  });
  if (typeof value === 'number') input.value = String(value);
  return input;
}

function readNumber(
  input: HTMLInputElement,
  integer: boolean,
  path: string,
): { value?: number; errors: FieldError[] } {
  if (input.validity.badInput) return { errors: [{ field: path, message: 'must be a number' }] };
  if (input.value.trim() === '') return { errors: [] };
  const value = Number(input.value);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    return {
      errors: [{ field: path, message: `must be ${integer ? 'a whole number' : 'a number'} from 0` }],
    };
  }
  return { value, errors: [] };
}

const NOT_REPORTED_HINT = 'leave empty when the sources give no figure (0 means none)';

function detailInput(key: string, spec: DetailField, value: unknown, path: string): DetailInput {
  const label = spec.required ? spec.label : `${spec.label} (optional)`;
  switch (spec.type) {
    case 'choice': {
      const select = h(
        'select',
        {},
        h('option', { value: '' }, spec.required ? 'choose…' : 'not given'),
        ...spec.of.map((v) => h('option', { value: v }, words(v))),
      );
      if (typeof value === 'string') select.value = value;
      return {
        element: field(label, select, path, spec.hint),
        read: () => ({ ...(select.value === '' ? {} : { value: select.value }), errors: [] }),
      };
    }
    case 'choices': {
      const chosen = Array.isArray(value) ? (value as unknown[]) : [];
      const boxes = spec.of.map((v) =>
        h('input', { type: 'checkbox', value: v, checked: chosen.includes(v) }),
      );
      return {
        element: h(
          'fieldset',
          { class: 'choices', 'data-field': path },
          h('legend', {}, label),
          ...boxes.map((box) => h('label', { class: 'check' }, box, ` ${words(box.value)}`)),
        ),
        read: () => {
          const picked = boxes.filter((b) => b.checked).map((b) => b.value);
          return { ...(picked.length === 0 ? {} : { value: picked }), errors: [] };
        },
      };
    }
    case 'text': {
      const long = spec.max > 300;
      const control = long ? h('textarea', { rows: '2' }) : h('input', { type: 'text', autocomplete: 'off' });
      if (typeof value === 'string') control.value = value;
      return {
        element: field(label, control, path, spec.hint),
        read: () => {
          const text = control.value.trim();
          return { ...(text === '' ? {} : { value: text }), errors: [] };
        },
      };
    }
    case 'texts': {
      const input = h('input', { type: 'text', autocomplete: 'off' });
      if (Array.isArray(value)) input.value = value.join(', ');
      return {
        element: field(label, input, path, spec.hint ?? 'separated by commas'),
        read: () => {
          const items = input.value
            .split(',')
            .map((t) => t.trim())
            .filter((t) => t !== '');
          return { ...(items.length === 0 ? {} : { value: items }), errors: [] };
        },
      };
    }
    case 'count':
    case 'amount': {
      const integer = spec.type === 'count';
      const input = numberInput(integer, spec.max, value);
      return {
        element: field(label, input, path, spec.hint ?? NOT_REPORTED_HINT),
        read: () => readNumber(input, integer, path),
      };
    }
    case 'counts': {
      const counts = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
      const inputs = spec.of.map((category) => ({
        category,
        input: numberInput(true, spec.max, counts[category]),
      }));
      return {
        element: h(
          'fieldset',
          { class: 'counts', 'data-field': path },
          h('legend', {}, label),
          h('p', { class: 'hint' }, spec.hint ?? NOT_REPORTED_HINT),
          h(
            'div',
            { class: 'row' },
            ...inputs.map(({ category, input }) => field(words(category), input, `${path}.${category}`)),
          ),
        ),
        read: () => {
          const out: Record<string, number> = {};
          const errors: FieldError[] = [];
          for (const { category, input } of inputs) {
            const read = readNumber(input, true, `${path}.${category}`);
            errors.push(...read.errors);
            if (read.value !== undefined) out[category] = read.value;
          }
          return { ...(Object.keys(out).length === 0 ? {} : { value: out }), errors };
        },
      };
    }
    case 'actors':
      return actorPicker(label, Array.isArray(value) ? (value as string[]) : [], path, spec.hint);
    default: {
      const unknown: never = spec;
      throw new Error(`no input for ${JSON.stringify(unknown)} (${key})`);
    }
  }
}

/** Several registered actors, picked one by one from the registry search. */
function actorPicker(label: string, ids: readonly string[], path: string, hint?: string): DetailInput {
  const chosen: { id: string; name: string }[] = ids.map((id) => ({ id, name: id }));
  const chips = h('ul', { class: 'chips' });
  const input = h('input', { type: 'text' });
  const render = (): void => {
    chips.replaceChildren(
      ...chosen.map((actor, i) => {
        const remove = h(
          'button',
          { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${actor.name}` },
          '×',
        );
        remove.addEventListener('click', () => {
          chosen.splice(i, 1);
          render();
          input.focus();
        });
        return h('li', { class: 'chip' }, actor.name, remove);
      }),
    );
  };
  const element = field(label, input, path, hint ?? 'type a name, pick it from the matches; one at a time');
  element.append(chips);
  const box = combobox({
    input,
    kinds: ['actor'],
    onPick: (match: Match) => {
      if (!chosen.some((a) => a.id === match.id)) chosen.push({ id: match.id, name: match.name });
      input.value = '';
      box.pick(null);
      render();
    },
  });
  render();
  return {
    element,
    read: () =>
      input.value.trim() !== ''
        ? {
            errors: [
              { field: path, message: `pick “${input.value.trim()}” from the matches (a registered actor)` },
            ],
          }
        : { ...(chosen.length === 0 ? {} : { value: chosen.map((a) => a.id) }), errors: [] },
  };
}

export interface DetailsEditor {
  readonly element: HTMLElement;
  readonly read: () => { details: Record<string, unknown>; errors: FieldError[] };
}

/** Every detail of a kind, from the kind table, prefilled with `initial`. */
export function detailsEditor(
  kind: IncidentKind,
  initial: Record<string, unknown> = {},
  pathPrefix = '',
): DetailsEditor {
  const spec = KIND_TABLE[kind];
  const inputs = Object.entries(spec.details as Record<string, DetailField>).map(([key, detail]) => ({
    key,
    input: detailInput(key, detail, initial[key], `${pathPrefix}details.${key}`),
  }));
  return {
    element: h(
      'fieldset',
      { class: 'details', 'data-field': `${pathPrefix}details` },
      h('legend', {}, `Details of the ${words(kind)}`),
      ...(inputs.length === 0 ? [h('p', { class: 'hint' }, 'This kind has no details.')] : []),
      ...inputs.map(({ input }) => input.element),
    ),
    read: () => {
      const details: Record<string, unknown> = {};
      const errors: FieldError[] = [];
      for (const { key, input } of inputs) {
        const read = input.read();
        errors.push(...read.errors);
        if (read.value !== undefined) details[key] = read.value;
      }
      return { details, errors };
    },
  };
}
