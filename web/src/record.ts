/**
 * The form for a new incident. Its kind-specific part (roles offered, details) comes from the
 * domain's kind table, so a kind added there is offered here as it is.
 */
import {
  type FieldError,
  type IncidentKind,
  KIND_TABLE,
  KINDS,
  postJson,
  type Source,
  type Warning,
  words,
} from './api.js';
import { h } from './dom.js';
import {
  checkDate,
  dateInput,
  DATE_HINT,
  detailsEditor,
  type DetailsEditor,
  field,
  mentionList,
  type MentionList,
  type MentionRow,
  sourceList,
} from './fields.js';
import { clearProblem, notSent, showProblem, showWarnings } from './problems.js';

/** An incident as the form shows it: a draft to finish, or nothing (a new incident). */
export interface IncidentBody {
  readonly kind: IncidentKind;
  readonly occurred: { readonly on: string; readonly until?: string };
  readonly title: string;
  readonly summary?: string;
  readonly actors: readonly { readonly id?: string; readonly name?: string; readonly role: string }[];
  readonly locations: readonly { readonly id?: string; readonly name?: string; readonly role: string }[];
  readonly details?: Record<string, unknown>;
  readonly sources: readonly Source[];
}

export interface RecordForm {
  /** Shows `body` in the form for the editor to finish; `recorded` is told when it is recorded. */
  readonly fill: (body: IncidentBody, recorded?: (id: string) => void) => void;
}

/** A mention as the form's rows take it: a registry id, or a name to register on recording. */
const rowsOf = (list: IncidentBody['actors']): MentionRow[] =>
  list.flatMap((m): MentionRow[] =>
    m.id !== undefined
      ? [{ id: m.id, ...(m.name === undefined ? {} : { name: m.name }), role: m.role }]
      : m.name !== undefined
        ? [{ name: m.name, role: m.role }]
        : [],
  );

export function recordForm(
  container: HTMLElement,
  ctx: {
    readonly authHeaders: () => Record<string, string>;
    readonly recorded: (id: string, warnings?: readonly Warning[]) => void;
  },
): RecordForm {
  const summary = h('div', { class: 'problem', role: 'alert', tabindex: '-1', hidden: true });
  const result = h('div', { role: 'status', 'aria-live': 'polite', class: 'result' });
  const kind = h(
    'select',
    { id: 'r-kind' },
    ...KINDS.map((k) => h('option', { value: k }, KIND_TABLE[k].label)),
  );
  const on = dateInput({ id: 'r-on', required: 'true' });
  const until = dateInput({ id: 'r-until' });
  const title = h('input', { type: 'text', id: 'r-title', required: true });
  const summaryText = h('textarea', { id: 'r-summary', rows: '2' });
  const kindSlot = h('div', { class: 'kind-fields' });
  let sources = sourceList('sources');
  let whenRecorded: ((id: string) => void) | undefined;
  const form = h(
    'form',
    { id: 'record-form', novalidate: true, 'aria-labelledby': 'record-heading' },
    h('h3', { id: 'record-heading' }, 'Record an incident'),
    summary,
    h(
      'div',
      { class: 'row' },
      field('Kind', kind, 'kind'),
      field('On', on, 'occurred.on', DATE_HINT),
      field('Until (optional)', until, 'occurred.until', 'the last day of a span'),
    ),
    field('Title', title, 'title'),
    field('Summary (optional)', summaryText, 'summary'),
    kindSlot,
    sources.element,
    h('button', { type: 'submit' }, 'Record'),
    result,
  );
  container.replaceChildren(form);

  let parts: { actors: MentionList; locations: MentionList; details: DetailsEditor } | undefined;
  const showKind = (initial?: IncidentBody): void => {
    const k = kind.value as IncidentKind;
    // People already named stay when the kind changes; only the roles offered and the details follow it.
    if (initial !== undefined) {
      parts = {
        actors: mentionList('actors', k, rowsOf(initial.actors)),
        locations: mentionList('locations', k, rowsOf(initial.locations)),
        details: detailsEditor(k, initial.details ?? {}),
      };
    } else if (parts === undefined) {
      parts = {
        actors: mentionList('actors', k),
        locations: mentionList('locations', k),
        details: detailsEditor(k),
      };
    } else {
      parts.actors.setKind(k);
      parts.locations.setKind(k);
      parts.details = detailsEditor(k);
    }
    const needs = KIND_TABLE[k].requires.map((rule) => rule.message);
    kindSlot.replaceChildren(
      needs.length > 0
        ? h(
            'p',
            { class: 'hint kind-needs' },
            needs.map((n) => `${n.charAt(0).toUpperCase()}${n.slice(1)}.`).join(' '),
          )
        : '',
      parts.actors.element,
      parts.locations.element,
      parts.details.element,
    );
  };
  kind.addEventListener('change', () => {
    showKind();
  });
  showKind();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clearProblem(form, summary);
      result.replaceChildren();
      if (parts === undefined) return;
      const details = parts.details.read();
      const read = sources.read();
      const errors: FieldError[] = [
        ...checkDate(on.value.trim(), 'occurred.on'),
        ...checkDate(until.value.trim(), 'occurred.until'),
        ...details.errors,
        ...read.errors,
      ];
      if (errors.length > 0) {
        showProblem(form, summary, notSent(errors));
        return;
      }
      const body = {
        kind: kind.value,
        occurred: { on: on.value.trim(), ...(until.value.trim() ? { until: until.value.trim() } : {}) },
        title: title.value.trim(),
        ...(summaryText.value.trim() ? { summary: summaryText.value.trim() } : {}),
        actors: parts.actors.read(),
        locations: parts.locations.read(),
        details: details.details,
        sources: read.sources,
      };
      try {
        const recorded = await postJson<{ id: string; revision: number; warnings?: Warning[] }>(
          '/v1/incidents',
          body,
          ctx.authHeaders(),
        );
        result.replaceChildren(
          h(
            'p',
            {},
            `Recorded ${words(kind.value)} `,
            h('code', { id: 'recorded-id' }, recorded.body.id),
            ` (revision ${recorded.body.revision}).`,
          ),
        );
        showWarnings(form, result, recorded.body.warnings);
        whenRecorded?.(recorded.body.id);
        whenRecorded = undefined;
        ctx.recorded(recorded.body.id, recorded.body.warnings);
      } catch (error) {
        showProblem(form, summary, error);
      }
    })();
  });

  return {
    fill: (body, recorded) => {
      clearProblem(form, summary);
      result.replaceChildren();
      kind.value = body.kind;
      on.value = body.occurred.on;
      until.value = body.occurred.until ?? '';
      title.value = body.title;
      summaryText.value = body.summary ?? '';
      const next = sourceList('sources', body.sources);
      sources.element.replaceWith(next.element);
      sources = next;
      showKind(body);
      whenRecorded = recorded;
      form.scrollIntoView({ block: 'start' });
      title.focus();
    },
  };
}
