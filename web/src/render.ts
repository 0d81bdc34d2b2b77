import { describeDetails } from '../../src/incidents/details.text.js';
import {
  type Change,
  type Dispute,
  type Entry,
  formatPartialDate,
  humanKind,
  type IncidentKind,
  KINDS,
  type Participant,
  shortSpan,
  type Source,
} from './api.js';
import { h } from './dom.js';

/** Builds the address of another subject's timeline, keeping the way of looking at it. */
export type SubjectHref = (kind: 'actor' | 'location', id: string) => string;

/** What a card offers an editor; the page wires each action to its inline form. */
export const ACTIONS = ['correct', 'dispute', 'source', 'retract'] as const;
export type Action = (typeof ACTIONS)[number];
const ACTION_LABELS: Record<Action, string> = {
  correct: 'Correct',
  dispute: 'Dispute',
  source: 'Add source',
  retract: 'Retract',
};

function participantLink(
  kind: 'actor' | 'location',
  participant: Participant,
  href: SubjectHref,
): HTMLElement {
  return h(
    'li',
    {},
    h('a', { href: href(kind, participant.id) }, participant.name ?? participant.id),
    ' ',
    h('span', { class: 'role' }, `(${participant.role.replace(/_/g, ' ')})`),
  );
}

function sourceItem(source: Source): HTMLElement {
  const label = [source.publisher, source.title, source.publishedOn].filter(Boolean).join(', ');
  const url = source.url && /^https?:\/\//.test(source.url) ? source.url : undefined;
  return h(
    'li',
    {},
    url === undefined ? label : h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, label),
    source.quote ? [' ', h('q', {}, source.quote)] : null,
  );
}

export function valueText(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(valueText).join(', ');
  return JSON.stringify(v);
}

function dateText(entry: Entry): string {
  const on = formatPartialDate(entry.occurred.on);
  return entry.occurred.until === null ? on : `${on} – ${formatPartialDate(entry.occurred.until)}`;
}

const isKind = (kind: string): kind is IncidentKind => (KINDS as readonly string[]).includes(kind);

/** The details in words, from the kind table; a quote is shown as a quotation instead. */
function detailLines(entry: Entry): { key: string; label: string; text: string }[] {
  if (!isKind(entry.kind)) return [];
  return describeDetails(entry.kind, entry.details).filter((line) => line.key !== 'quote');
}

/** `details.people.wounded` → `people (wounded)`: how a card names a disputed field. */
export function fieldLabel(field: string): string {
  const [head, key, category] = field.split('.');
  if (head !== 'details' || key === undefined) return field.replace('.', ' ');
  return category === undefined ? key : `${key} (${category.replace(/_/g, ' ')})`;
}

function disputeItem(d: Dispute): HTMLElement {
  return h(
    'li',
    {},
    `${fieldLabel(d.field)}: recorded ${valueText(d.recordedValue)}, ${d.source.publisher} says ${valueText(d.claimedValue)}`,
    d.note ? ` (${d.note})` : '',
  );
}

function badges(entry: Entry): (HTMLElement | null)[] {
  return [
    entry.retracted ? h('span', { class: 'badge badge-retracted' }, 'retracted') : null,
    entry.correctedAt !== null ? h('span', { class: 'badge badge-corrected' }, 'corrected') : null,
    entry.disputes.length > 0 ? h('span', { class: 'badge badge-disputed' }, 'disputed') : null,
  ];
}

export function renderEntry(
  entry: Entry,
  href: SubjectHref,
  options: { headingLevel?: 'h3' | 'h4'; actions?: boolean } = {},
): HTMLLIElement {
  const classes = ['entry', `kind-${entry.kind}`, entry.retracted ? 'retracted' : ''].join(' ').trim();
  const quote = entry.details['quote'];
  const details = detailLines(entry);
  const headingId = `entry-${entry.incidentId}-title`;
  return h(
    'li',
    { class: classes, 'data-incident': entry.incidentId, 'aria-labelledby': headingId, tabindex: '-1' },
    h(
      'div',
      { class: 'meta' },
      h('time', { datetime: entry.occurred.on }, dateText(entry)),
      h('span', { class: 'kind' }, humanKind(entry.kind)),
      ...badges(entry),
    ),
    h(
      options.headingLevel ?? 'h3',
      { class: 'title', id: headingId },
      entry.retracted ? h('s', {}, entry.title) : entry.title,
    ),
    entry.summary
      ? h('p', { class: 'summary' }, entry.retracted ? h('s', {}, entry.summary) : entry.summary)
      : null,
    typeof quote === 'string' ? h('blockquote', {}, quote) : null,
    entry.retracted && entry.retraction
      ? h('p', { class: 'note' }, `Retracted: ${entry.retraction.reason}`)
      : null,
    details.length > 0
      ? h(
          'dl',
          { class: 'details' },
          ...details.flatMap((line) => [
            h('dt', {}, line.label),
            h('dd', { 'data-detail': line.key }, line.text),
          ]),
        )
      : null,
    h(
      'div',
      { class: 'who-where' },
      entry.actors.length > 0
        ? h(
            'div',
            {},
            h('span', { class: 'label' }, 'Actors'),
            h(
              'ul',
              { class: 'inline' },
              entry.actors.map((a) => participantLink('actor', a, href)),
            ),
          )
        : null,
      entry.locations.length > 0
        ? h(
            'div',
            {},
            h('span', { class: 'label' }, 'Locations'),
            h(
              'ul',
              { class: 'inline' },
              entry.locations.map((l) => participantLink('location', l, href)),
            ),
          )
        : null,
    ),
    entry.disputes.length > 0
      ? h(
          'div',
          { class: 'disputes' },
          h('span', { class: 'label' }, 'Disputed'),
          h('ul', {}, entry.disputes.map(disputeItem)),
        )
      : null,
    entry.corrections.length > 0
      ? h(
          'div',
          { class: 'corrections' },
          h('span', { class: 'label' }, 'Corrections'),
          h(
            'ul',
            {},
            entry.corrections.map((c) => h('li', {}, `${c.fields.join(', ')}: ${c.reason}`)),
          ),
        )
      : null,
    h(
      'div',
      { class: 'sources' },
      h('span', { class: 'label' }, 'Sources'),
      h('ul', {}, entry.sources.map(sourceItem)),
    ),
    h('p', { class: 'ids' }, `Incident ${entry.incidentId} · revision ${entry.revision}`),
    options.actions && !entry.retracted
      ? h(
          'div',
          { class: 'actions', role: 'group', 'aria-label': `Edit “${entry.title}”` },
          ...ACTIONS.map((action) =>
            h(
              'button',
              {
                type: 'button',
                class: action === 'retract' ? 'secondary danger' : 'secondary',
                'data-action': action,
                'aria-expanded': 'false',
              },
              ACTION_LABELS[action],
            ),
          ),
        )
      : null,
    h('div', { class: 'action-panel', hidden: true }),
  );
}

/** One line per entry for scanning; opening it shows the whole card with its actions. */
export function renderCompact(entry: Entry, href: SubjectHref): HTMLLIElement {
  const details = detailLines(entry)
    .map((line) => line.text)
    .join(' · ');
  const where = entry.locations.map((l) => l.name).join(', ');
  const card = renderEntry(entry, href, { headingLevel: 'h4', actions: true });
  return h(
    'li',
    { class: `compact-item${entry.retracted ? ' retracted' : ''}`, 'data-incident': entry.incidentId },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        h('time', { datetime: entry.occurred.on }, shortSpan(entry.occurred.on, entry.occurred.until)),
        h('span', { class: 'kind' }, humanKind(entry.kind)),
        h('span', { class: 'compact-title', title: entry.title }, entry.title),
        details ? h('span', { class: 'compact-details' }, details) : null,
        where ? h('span', { class: 'compact-where' }, where) : null,
        ...badges(entry),
      ),
      h('ol', { class: 'compact-card' }, card),
    ),
  );
}

export function renderChange(change: Change, href: SubjectHref): HTMLLIElement {
  const badge = h(
    'span',
    { class: `badge badge-change` },
    `${change.change.replace(/_/g, ' ')} ${change.recordedAt.slice(0, 16).replace('T', ' ')} UTC`,
  );
  // The feed withholds what a since-retracted incident said, as every view does.
  if (change.entry === null) {
    return h(
      'li',
      { class: 'entry retracted', 'data-incident': change.incidentId },
      h('div', { class: 'meta' }, badge),
      h('p', {}, 'Content withdrawn: the incident was retracted.'),
    );
  }
  const item = renderEntry(change.entry, href);
  item.querySelector('.meta')?.prepend(badge);
  return item;
}
