import {
  type Change,
  type Entry,
  formatPartialDate,
  humanKind,
  type Participant,
  type Source,
} from './api.js';
import { h } from './dom.js';

/** A link to the page's own view of an actor's or a location's timeline. */
function participantLink(kind: 'actor' | 'location', participant: Participant): HTMLElement {
  return h(
    'li',
    {},
    h('a', { href: `#${kind}/${encodeURIComponent(participant.id)}` }, participant.name ?? participant.id),
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

function value(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function dateText(entry: Entry): string {
  const on = formatPartialDate(entry.occurred.on);
  return entry.occurred.until === null ? on : `${on} – ${formatPartialDate(entry.occurred.until)}`;
}

export function renderEntry(entry: Entry, headingLevel: 'h3' | 'h4' = 'h3'): HTMLLIElement {
  const classes = ['entry', `kind-${entry.kind}`, entry.retracted ? 'retracted' : ''].join(' ').trim();
  const details = Object.entries(entry.details).filter(([key]) => key !== 'quote');
  const quote = entry.details['quote'];
  return h(
    'li',
    { class: classes, 'data-incident': entry.incidentId },
    h(
      'div',
      { class: 'meta' },
      h('time', { datetime: entry.occurred.on }, dateText(entry)),
      h('span', { class: 'kind' }, humanKind(entry.kind)),
      entry.retracted ? h('span', { class: 'badge badge-retracted' }, 'retracted') : null,
      entry.correctedAt !== null ? h('span', { class: 'badge badge-corrected' }, 'corrected') : null,
      entry.disputes.length > 0 ? h('span', { class: 'badge badge-disputed' }, 'disputed') : null,
    ),
    h(headingLevel, { class: 'title' }, entry.retracted ? h('s', {}, entry.title) : entry.title),
    entry.summary
      ? h('p', { class: 'summary' }, entry.retracted ? h('s', {}, entry.summary) : entry.summary)
      : null,
    typeof quote === 'string' ? h('blockquote', {}, quote) : null,
    entry.retracted && entry.retraction
      ? h('p', { class: 'note' }, `Retracted: ${entry.retraction.reason}`)
      : null,
    details.length > 0
      ? h(
          'p',
          { class: 'details' },
          details.map(([key, v]) => `${key}: ${Array.isArray(v) ? v.join(', ') : value(v)}`).join(' · '),
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
              entry.actors.map((a) => participantLink('actor', a)),
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
              entry.locations.map((l) => participantLink('location', l)),
            ),
          )
        : null,
    ),
    entry.disputes.length > 0
      ? h(
          'div',
          { class: 'disputes' },
          h('span', { class: 'label' }, 'Disputed'),
          h(
            'ul',
            {},
            entry.disputes.map((d) =>
              h(
                'li',
                {},
                `${d.field}: recorded ${value(d.recordedValue)}, ${d.source.publisher} says ${value(d.claimedValue)}`,
                d.note ? ` (${d.note})` : '',
              ),
            ),
          ),
        )
      : null,
    (entry.corrections ?? []).length > 0
      ? h(
          'div',
          { class: 'corrections' },
          h('span', { class: 'label' }, 'Corrections'),
          h(
            'ul',
            {},
            (entry.corrections ?? []).map((c) => h('li', {}, `${c.fields.join(', ')}: ${c.reason}`)),
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
  );
}

export function renderChange(change: Change): HTMLLIElement {
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
  const item = renderEntry(change.entry);
  item.querySelector('.meta')?.prepend(badge);
  return item;
}
