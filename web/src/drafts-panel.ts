/**
 * "From an article": paste a news text and its source, read the drafts Dateline proposes with the
 * sentences they rest on highlighted, then record each one kept as it is, or finish it first in
 * the form for a new incident. Nothing is recorded until the editor says so.
 */
import { describeDetails } from '../../src/incidents/details.text.js';
import { humanKind, postJson, type Source, type Warning } from './api.js';
import { h } from './dom.js';
import { field, sourceFields } from './fields.js';
import { clearProblem, notSent, showProblem } from './problems.js';
import type { IncidentBody, RecordForm } from './record.js';

interface Evidence {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

interface Draft extends IncidentBody {
  readonly evidence: readonly Evidence[];
  readonly confidence: number;
  readonly warnings: readonly Warning[];
  readonly missing?: readonly { readonly field: string; readonly message: string }[];
}

interface Drafted {
  readonly drafts: readonly Draft[];
  readonly incomplete: readonly Draft[];
}

const who = (m: { id?: string; name?: string; role: string }): string =>
  `${m.name ?? m.id ?? ''} (${m.role.replace(/_/g, ' ')})`;

/** The text with every evidence span marked; a span shared by several drafts is one mark. */
function markedText(text: string, drafts: readonly Draft[]): HTMLElement {
  const spans = new Map<string, { start: number; end: number; drafts: number[] }>();
  drafts.forEach((draft, i) => {
    for (const e of draft.evidence) {
      const key = `${e.start}:${e.end}`;
      const span = spans.get(key) ?? { start: e.start, end: e.end, drafts: [] };
      span.drafts.push(i);
      spans.set(key, span);
    }
  });
  const ordered = [...spans.values()].sort((a, b) => a.start - b.start);
  const view = h('div', { class: 'draft-article', id: 'draft-article', tabindex: '-1' });
  let at = 0;
  for (const span of ordered) {
    if (span.start < at) continue;
    view.append(text.slice(at, span.start));
    view.append(
      h(
        'mark',
        { 'data-drafts': span.drafts.join(' '), title: `Draft ${span.drafts.map((d) => d + 1).join(', ')}` },
        text.slice(span.start, span.end),
      ),
    );
    at = span.end;
  }
  view.append(text.slice(at));
  return view;
}

export function draftsPanel(
  main: HTMLElement,
  ctx: {
    readonly authHeaders: () => Record<string, string>;
    readonly form: RecordForm;
    readonly recorded: (id: string) => void;
  },
): void {
  const text = h('textarea', { id: 'draft-text', rows: '10', required: true });
  const source = sourceFields('source', 'Source of the article', true);
  const summary = h('div', { class: 'problem', role: 'alert', tabindex: '-1', hidden: true });
  const status = h('p', { id: 'drafts-status', role: 'status', 'aria-live': 'polite' });
  const list = h('ol', { id: 'drafts', class: 'drafts' });
  const article = h('div', { class: 'draft-article-box' });
  const form = h(
    'form',
    { id: 'drafts-form', novalidate: true },
    summary,
    h(
      'div',
      { 'data-field': 'text' },
      field('Article text', text, 'text', 'paste the article; paragraphs apart'),
    ),
    source.element,
    h('button', { type: 'submit' }, 'Draft incidents'),
  );
  const section = h(
    'section',
    { class: 'panel', 'aria-label': 'Article drafts', id: 'from-an-article' },
    // Named "Article drafts" for assistive technology: "From …" would also answer to the From date box.
    h('h2', { id: 'drafts-heading' }, 'From an article'),
    h(
      'p',
      { class: 'hint' },
      'Dateline proposes the incidents the article reports, each with the sentences it rests on. Nothing is recorded until you record a draft.',
    ),
    form,
    status,
    // The article beside its drafts: a draft looked at lights up its sentences.
    h('div', { class: 'draft-columns' }, article, list),
  );
  const editor = main.querySelector('[aria-labelledby="editor-heading"]');
  if (editor) editor.before(section);
  else main.append(section);

  let shownText = '';

  function highlight(index: number | undefined): void {
    for (const mark of article.querySelectorAll<HTMLElement>('mark')) {
      const drafts = (mark.dataset['drafts'] ?? '').split(' ');
      mark.classList.toggle('active', index !== undefined && drafts.includes(String(index)));
    }
  }

  function card(draft: Draft, index: number): HTMLElement {
    const incomplete = draft.missing !== undefined && draft.missing.length > 0;
    const details = describeDetails(draft.kind, draft.details ?? {});
    const outcome = h('div', { class: 'draft-outcome', role: 'status' });
    const record = h('button', { type: 'button', disabled: incomplete }, 'Record');
    const edit = h('button', { type: 'button', class: 'secondary' }, 'Edit in the form');
    const discard = h('button', { type: 'button', class: 'secondary' }, 'Discard');
    const actions = h('div', { class: 'row draft-actions' }, record, edit, discard);
    const item = h(
      'li',
      { class: `draft${incomplete ? ' incomplete' : ''}`, 'data-draft': String(index) },
      h('h3', {}, draft.title),
      h(
        'p',
        { class: 'meta' },
        h('span', { class: 'kind' }, humanKind(draft.kind)),
        ` · ${draft.occurred.on}${draft.occurred.until ? ` to ${draft.occurred.until}` : ''}`,
        ` · confidence ${Math.round(draft.confidence * 100)}%`,
      ),
      draft.actors.length > 0 ? h('p', {}, 'Who: ', draft.actors.map(who).join('; ')) : '',
      draft.locations.length > 0 ? h('p', {}, 'Where: ', draft.locations.map(who).join('; ')) : '',
      details.length > 0
        ? h(
            'ul',
            { class: 'draft-details' },
            details.map((d) => h('li', {}, `${d.label}: ${d.text}`)),
          )
        : '',
      h(
        'div',
        { class: 'evidence' },
        h('p', {}, 'Rests on:'),
        draft.evidence.map((e) => h('blockquote', {}, e.text)),
      ),
      incomplete
        ? h(
            'div',
            { class: 'problem' },
            h('p', {}, 'Not recordable as it is:'),
            h(
              'ul',
              {},
              (draft.missing ?? []).map((m) => h('li', {}, m.message)),
            ),
          )
        : '',
      draft.warnings.length > 0
        ? h(
            'div',
            { class: 'warnings', role: 'note' },
            h('p', {}, 'Check:'),
            h(
              'ul',
              {},
              draft.warnings.map((w) => {
                const near = (w.suggestions ?? []).map((s) => (s.name ? `${s.name} (${s.id})` : s.id));
                return h('li', {}, w.message, near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '');
              }),
            ),
          )
        : '',
      actions,
      outcome,
    );
    item.addEventListener('mouseenter', () => {
      highlight(index);
    });
    item.addEventListener('focusin', () => {
      highlight(index);
    });
    const done = (id: string): void => {
      actions.remove();
      item.classList.add('recorded');
      outcome.replaceChildren(h('p', {}, 'Recorded as ', h('code', {}, id), '.'));
      ctx.recorded(id);
    };
    record.addEventListener('click', () => {
      void (async () => {
        outcome.replaceChildren();
        try {
          // A draft posts as it is: the API ignores its evidence, confidence and warnings.
          const answer = await postJson<{ id: string }>('/v1/incidents', draft, ctx.authHeaders());
          done(answer.body.id);
        } catch (error) {
          showProblem(item, outcome, error);
        }
      })();
    });
    edit.addEventListener('click', () => {
      ctx.form.fill(draft, done);
    });
    discard.addEventListener('click', () => {
      item.remove();
      highlight(undefined);
      status.textContent = `Draft discarded: ${draft.title}.`;
      (list.querySelector<HTMLElement>('.draft button') ?? text).focus();
    });
    return item;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clearProblem(form, summary);
      const read = source.read();
      const errors = [...read.errors];
      if (text.value.trim() === '') errors.push({ field: 'text', message: 'paste the article first' });
      if (errors.length > 0 || read.source === undefined) {
        showProblem(form, summary, notSent(errors));
        return;
      }
      status.textContent = 'Reading the article…';
      list.replaceChildren();
      article.replaceChildren();
      try {
        const answer = await postJson<Drafted>(
          '/v1/drafts',
          { text: text.value, source: read.source satisfies Source },
          ctx.authHeaders(),
        );
        shownText = text.value;
        const all = [...answer.body.drafts, ...answer.body.incomplete];
        article.replaceChildren(markedText(shownText, all));
        list.replaceChildren(...all.map(card));
        const { drafts, incomplete } = answer.body;
        status.textContent =
          all.length === 0
            ? 'No incident found in this text.'
            : `${drafts.length} draft${drafts.length === 1 ? '' : 's'}${
                incomplete.length > 0 ? `, ${incomplete.length} to complete` : ''
              }: check each against its sentences, then record it or edit it first.`;
      } catch (error) {
        status.textContent = '';
        showProblem(form, summary, error);
      }
    })();
  });
}
