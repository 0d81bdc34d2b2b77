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
  sourceList,
} from './fields.js';
import { clearProblem, notSent, showProblem, showWarnings } from './problems.js';

export function recordForm(
  container: HTMLElement,
  ctx: {
    readonly authHeaders: () => Record<string, string>;
    readonly recorded: (id: string, warnings?: readonly Warning[]) => void;
  },
): void {
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
  const sources = sourceList('sources');
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
  const showKind = (): void => {
    const k = kind.value as IncidentKind;
    // People already named stay when the kind changes; only the roles offered and the details follow it.
    if (parts === undefined) {
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
  kind.addEventListener('change', showKind);
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
        ctx.recorded(recorded.body.id, recorded.body.warnings);
      } catch (error) {
        showProblem(form, summary, error);
      }
    })();
  });
}
