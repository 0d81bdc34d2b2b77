/**
 * The editor's actions on an entry card: correct (with the loaded revision as If-Match), dispute a
 * field with a sourced claim, add a source, retract. Each opens a form inside the card.
 */
import { disputableFields } from '../../src/incidents/incident.rules.js';
import type { DetailField } from '../../src/incidents/incident.js';
import {
  ApiError,
  type Entry,
  type FieldError,
  getJson,
  type IncidentKind,
  KIND_TABLE,
  postJson,
  type Warning,
  words,
} from './api.js';
import { h } from './dom.js';
import {
  checkDate,
  dateInput,
  DATE_HINT,
  detailsEditor,
  field,
  mentionList,
  sourceFields,
} from './fields.js';
import { clearProblem, notSent, showProblem, showWarnings } from './problems.js';
import { type Action, fieldLabel, valueText } from './render.js';

export interface ActionContext {
  readonly authHeaders: () => Record<string, string>;
  /** Called after a successful write; the page reloads and refocuses the card. */
  readonly done: (message: string, incidentId: string, warnings?: readonly Warning[]) => void;
}

interface Built {
  readonly form: HTMLFormElement;
  readonly summary: HTMLElement;
  readonly result: HTMLElement;
  readonly body: HTMLElement;
  readonly cancel: HTMLButtonElement;
}

function shell(title: string, submitLabel: string, danger = false): Built {
  const summary = h('div', { class: 'problem', role: 'alert', tabindex: '-1', hidden: true });
  const result = h('p', { role: 'status', 'aria-live': 'polite' });
  const body = h('div', {});
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const form = h(
    'form',
    { class: 'action-form', novalidate: true, 'aria-label': title },
    h('h4', {}, title),
    summary,
    body,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit', class: danger ? 'danger' : '' }, submitLabel),
      cancel,
    ),
    result,
  );
  return { form, summary, result, body, cancel };
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Only what changed: whole fields replaced, details key by key (null removes one). */
function changedFields(
  entry: Entry,
  edited: {
    on: string;
    until: string;
    title: string;
    summary: string;
    actors: { id?: string; name?: string; role: string }[];
    locations: { id?: string; name?: string; role: string }[];
    details: Record<string, unknown>;
  },
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (edited.on !== entry.occurred.on || edited.until !== (entry.occurred.until ?? '')) {
    changes['occurred'] = { on: edited.on, ...(edited.until ? { until: edited.until } : {}) };
  }
  if (edited.title !== entry.title) changes['title'] = edited.title;
  if (edited.summary !== (entry.summary ?? '')) changes['summary'] = edited.summary;
  const asMentions = (list: Entry['actors'] | Entry['locations']): unknown =>
    list.map(({ id, role }) => ({ id, role }));
  if (!sameJson(edited.actors, asMentions(entry.actors))) changes['actors'] = edited.actors;
  if (!sameJson(edited.locations, asMentions(entry.locations))) changes['locations'] = edited.locations;
  const details: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(entry.details), ...Object.keys(edited.details)])) {
    if (!sameJson(entry.details[key], edited.details[key])) details[key] = edited.details[key] ?? null;
  }
  if (Object.keys(details).length > 0) changes['details'] = details;
  return changes;
}

async function correctForm(entry: Entry, ctx: ActionContext, panel: HTMLElement): Promise<Built> {
  const shellParts = shell(`Correct “${entry.title}”`, 'Correct');
  const { form, summary, result, body } = shellParts;
  body.append(h('p', { class: 'hint' }, 'Loading the current version…'));
  panel.replaceChildren(form);
  // The correction is sent with the revision it was made on: a stale one comes back as a 412.
  const loaded = await getJson<Entry>(`/v1/incidents/${encodeURIComponent(entry.incidentId)}`);
  const current = loaded.body;
  const etag = loaded.etag ?? `"${current.revision}"`;
  const kind = current.kind;
  const on = dateInput({ value: current.occurred.on });
  const until = dateInput({ value: current.occurred.until ?? '' });
  const title = h('input', { type: 'text', value: current.title });
  const summaryText = h('textarea', { rows: '2' });
  summaryText.value = current.summary ?? '';
  const actors = mentionList('actors', kind, current.actors, '');
  const locations = mentionList('locations', kind, current.locations, '');
  const details = detailsEditor(kind, current.details);
  const reason = h('input', { type: 'text', required: true });
  const source = sourceFields('source', 'Source of the correction (optional)', false);
  body.replaceChildren(
    h('p', { class: 'hint etag' }, `Editing revision ${current.revision}; sent with If-Match ${etag}.`),
    h(
      'div',
      { class: 'row' },
      field('On', on, 'occurred.on', DATE_HINT),
      field('Until (optional)', until, 'occurred.until'),
    ),
    field('Title', title, 'title'),
    field('Summary', summaryText, 'summary'),
    actors.element,
    locations.element,
    details.element,
    field('Reason for the correction', reason, 'reason'),
    source.element,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clearProblem(form, summary);
      const read = details.read();
      const sourceRead = source.read();
      const errors: FieldError[] = [
        ...checkDate(on.value.trim(), 'occurred.on'),
        ...checkDate(until.value.trim(), 'occurred.until'),
        ...read.errors,
        ...sourceRead.errors,
      ];
      if (reason.value.trim() === '')
        errors.push({ field: 'reason', message: 'say why the record is corrected' });
      const changes = changedFields(current, {
        on: on.value.trim(),
        until: until.value.trim(),
        title: title.value.trim(),
        summary: summaryText.value.trim(),
        actors: actors.read(),
        locations: locations.read(),
        details: read.details,
      });
      if (errors.length === 0 && Object.keys(changes).length === 0) {
        errors.push({ field: 'changes', message: 'nothing was changed' });
      }
      if (errors.length > 0) {
        showProblem(form, summary, notSent(errors));
        return;
      }
      try {
        const answer = await postJson<{ revision: number; warnings?: Warning[] }>(
          `/v1/incidents/${encodeURIComponent(entry.incidentId)}/corrections`,
          {
            changes,
            reason: reason.value.trim(),
            ...(sourceRead.source ? { source: sourceRead.source } : {}),
          },
          { ...ctx.authHeaders(), 'if-match': etag },
        );
        showWarnings(form, result, answer.body.warnings);
        ctx.done(`Corrected: now revision ${answer.body.revision}.`, entry.incidentId, answer.body.warnings);
      } catch (error) {
        showProblem(form, summary, stale(error));
      }
    })();
  });
  return shellParts;
}

/** A 412 says the incident moved on since it was loaded: say so in an editor's words. */
function stale(error: unknown): unknown {
  if (!(error instanceof ApiError) || error.status !== 412) return error;
  return new ApiError(412, {
    title: 'Someone changed this incident after you loaded it (stale revision)',
    detail: `${error.message}. Cancel and open Correct again to edit the current version.`,
  });
}

/** The input for a claimed value, typed after the disputed field. */
function claimInput(
  kind: IncidentKind,
  path: string,
): { element: HTMLElement; read: () => { value?: unknown; errors: FieldError[] } } {
  const [head, key, category] = path.split('.');
  const spec =
    head === 'details' && key !== undefined
      ? (KIND_TABLE[kind].details as Record<string, DetailField>)[key]
      : undefined;
  const label = 'Claimed value';
  const numeric =
    spec !== undefined &&
    (spec.type === 'count' || spec.type === 'amount' || (spec.type === 'counts' && category !== undefined));
  if (numeric) {
    const input = h('input', { type: 'number', min: '0', step: spec.type === 'amount' ? 'any' : '1' });
    return {
      element: field(label, input, 'claimedValue'),
      read: () =>
        input.value.trim() === '' || input.validity.badInput
          ? { errors: [{ field: 'claimedValue', message: 'must be the number the source gives' }] }
          : { value: Number(input.value), errors: [] },
    };
  }
  if (spec?.type === 'choice') {
    const select = h('select', {}, ...spec.of.map((v) => h('option', { value: v }, words(v))));
    return {
      element: field(label, select, 'claimedValue'),
      read: () => ({ value: select.value, errors: [] }),
    };
  }
  const isDate = head === 'occurred';
  const input = isDate ? dateInput() : h('input', { type: 'text' });
  return {
    element: field(
      label,
      input,
      'claimedValue',
      isDate
        ? DATE_HINT
        : spec?.type === 'texts' || spec?.type === 'choices' || spec?.type === 'actors'
          ? 'separated by commas'
          : undefined,
    ),
    read: () => {
      const text = input.value.trim();
      if (text === '') return { errors: [{ field: 'claimedValue', message: 'what does the source say?' }] };
      if (isDate) return { value: text, errors: checkDate(text, 'claimedValue') };
      const list = spec?.type === 'texts' || spec?.type === 'choices' || spec?.type === 'actors';
      return {
        value: list
          ? text
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean)
          : text,
        errors: [],
      };
    },
  };
}

function recordedValue(entry: Entry, path: string): unknown {
  const [head, key, category] = path.split('.');
  if (head === 'occurred') return key === 'until' ? entry.occurred.until : entry.occurred.on;
  if (head === 'title') return entry.title;
  if (head === 'summary') return entry.summary;
  const value = key === undefined ? undefined : entry.details[key];
  if (category === undefined) return value;
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[category]
    : undefined;
}

function disputeForm(entry: Entry, ctx: ActionContext, panel: HTMLElement): Built {
  const parts = shell(`Dispute “${entry.title}”`, 'Record the dispute');
  const { form, summary, result, body } = parts;
  const kind = entry.kind;
  const fields = disputableFields(kind);
  const select = h('select', {}, ...fields.map((f) => h('option', { value: f }, fieldLabel(f))));
  // A count is what is disputed most often: start there when the incident has one.
  select.value =
    fields.find(
      (f) => recordedValue(entry, f) !== undefined && typeof recordedValue(entry, f) === 'number',
    ) ?? 'title';
  const recorded = h('p', { class: 'hint', 'aria-live': 'polite' });
  const valueSlot = h('div', {});
  let claim = claimInput(kind, select.value);
  const showField = (): void => {
    claim = claimInput(kind, select.value);
    valueSlot.replaceChildren(claim.element);
    recorded.textContent = `Recorded: ${valueText(recordedValue(entry, select.value))}`;
  };
  select.addEventListener('change', showField);
  showField();
  const source = sourceFields('source', 'Source of the claim', true);
  const note = h('input', { type: 'text' });
  body.append(
    field('Disputed field', select, 'field'),
    recorded,
    valueSlot,
    source.element,
    field('Note (optional)', note, 'note'),
  );
  panel.replaceChildren(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clearProblem(form, summary);
      const claimed = claim.read();
      const sourceRead = source.read();
      const errors = [...claimed.errors, ...sourceRead.errors];
      if (errors.length > 0 || sourceRead.source === undefined) {
        showProblem(form, summary, notSent(errors));
        return;
      }
      try {
        await postJson(
          `/v1/incidents/${encodeURIComponent(entry.incidentId)}/disputes`,
          {
            field: select.value,
            claimedValue: claimed.value,
            source: sourceRead.source,
            ...(note.value.trim() ? { note: note.value.trim() } : {}),
          },
          ctx.authHeaders(),
        );
        result.textContent = 'Dispute recorded.';
        ctx.done(`Dispute recorded on ${fieldLabel(select.value)}.`, entry.incidentId);
      } catch (error) {
        showProblem(form, summary, error);
      }
    })();
  });
  return parts;
}

function sourceForm(entry: Entry, ctx: ActionContext, panel: HTMLElement): Built {
  const parts = shell(`Add a source to “${entry.title}”`, 'Add the source');
  const { form, summary, body } = parts;
  const source = sourceFields('source', 'Source', true);
  body.append(source.element);
  panel.replaceChildren(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clearProblem(form, summary);
      const read = source.read();
      if (read.errors.length > 0 || read.source === undefined) {
        showProblem(form, summary, notSent(read.errors));
        return;
      }
      try {
        await postJson(
          `/v1/incidents/${encodeURIComponent(entry.incidentId)}/sources`,
          read.source,
          ctx.authHeaders(),
        );
        ctx.done(`Source added: ${read.source.publisher}.`, entry.incidentId);
      } catch (error) {
        showProblem(form, summary, error);
      }
    })();
  });
  return parts;
}

function retractForm(entry: Entry, ctx: ActionContext, panel: HTMLElement): Built {
  const parts = shell(`Retract “${entry.title}”`, 'Retract', true);
  const { form, summary, body } = parts;
  const reason = h('input', { type: 'text', required: true });
  body.append(
    h('p', { class: 'hint' }, 'The entry leaves the timelines; its history stays in the log.'),
    field('Reason for the retraction', reason, 'reason'),
  );
  panel.replaceChildren(form);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clearProblem(form, summary);
      if (reason.value.trim() === '') {
        showProblem(form, summary, notSent([{ field: 'reason', message: 'say why the entry is retracted' }]));
        return;
      }
      try {
        await postJson(
          `/v1/incidents/${encodeURIComponent(entry.incidentId)}/retraction`,
          { reason: reason.value.trim() },
          ctx.authHeaders(),
        );
        ctx.done(`Retracted “${entry.title}”.`, entry.incidentId);
      } catch (error) {
        showProblem(form, summary, error);
      }
    })();
  });
  return parts;
}

/** Opens (or closes, when it is open) an action's form inside its card. */
export async function toggleAction(
  card: HTMLElement,
  entry: Entry,
  action: Action,
  ctx: ActionContext,
): Promise<void> {
  const panel = card.querySelector<HTMLElement>(':scope > .action-panel');
  const button = card.querySelector<HTMLButtonElement>(`:scope > .actions [data-action="${action}"]`);
  if (panel === null || button === null) return;
  const wasOpen = button.getAttribute('aria-expanded') === 'true';
  for (const other of card.querySelectorAll(':scope > .actions [data-action]'))
    other.setAttribute('aria-expanded', 'false');
  panel.replaceChildren();
  panel.hidden = true;
  if (wasOpen) return;
  button.setAttribute('aria-expanded', 'true');
  panel.hidden = false;
  const close = (): void => {
    panel.replaceChildren();
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  };
  panel.onkeydown = (event) => {
    if (event.key === 'Escape') close();
  };
  try {
    const built =
      action === 'correct'
        ? await correctForm(entry, ctx, panel)
        : action === 'dispute'
          ? disputeForm(entry, ctx, panel)
          : action === 'source'
            ? sourceForm(entry, ctx, panel)
            : retractForm(entry, ctx, panel);
    built.cancel.addEventListener('click', close);
    built.form.querySelector<HTMLElement>('input, select, textarea')?.focus();
  } catch (error) {
    panel.replaceChildren(
      h('p', { class: 'problem', role: 'alert' }, `Could not open the form: ${(error as Error).message}`),
    );
  }
}
