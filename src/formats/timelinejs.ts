import { parsePartialDate } from '../common/partial-date.js';
import { kindSpec, type Source } from '../incidents/incident.js';
import {
  correctionSentence,
  correctionTexts,
  detailLines,
  disputeSentence,
  disputeTexts,
  knownWhenText,
  namesWithRoles,
  sourceLine,
} from './entry-text.js';
import type { EntryPage, PageEntry } from './render.js';

/**
 * Knight Lab TimelineJS JSON (https://timeline.knightlab.com/docs/json-format.html): one slide per
 * entry, grouped by kind (its label, "Aid delivery"); each slide's text carries what a reader needs (summary, quote, figures,
 * people and places, disputes, corrections, retraction, linked sources) and its media slot holds
 * the source, credited with a link to it.
 */

interface TimelineJsDate {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
}

interface TimelineJsMedia {
  readonly url: string;
  readonly credit: string;
  readonly link?: string;
  readonly link_target?: string;
}

export interface TimelineJsSlide {
  readonly unique_id: string;
  readonly start_date: TimelineJsDate;
  readonly end_date?: TimelineJsDate;
  readonly text: { readonly headline: string; readonly text: string };
  readonly group: string;
  readonly media?: TimelineJsMedia;
}

export interface TimelineJsDocument {
  readonly title?: { readonly text: { readonly headline: string; readonly text: string } };
  readonly events: readonly TimelineJsSlide[];
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text as TimelineJS HTML, for every string of the export, once. TimelineJS passes headlines,
 * text and credits through DOMPurify, which re-serialises them (so `&#39;` comes back as `'`), and
 * then runs its autolinker over text and credits, which builds `<a href='…' onclick='…'>` by
 * concatenation. Its `www.` pattern runs on to the next blank, quotes included: an apostrophe
 * there ends the attribute. So the five HTML characters are escaped, and each place the
 * autolinker starts from (`www.`, `://`, `x@y`) gets a `<wbr>` (a line-break opportunity:
 * invisible, kept by DOMPurify) that its patterns cannot match across: it then finds nothing to
 * rewrite. Sources get their links from Dateline (`timelineJsUrl`).
 */
export function timelineJsHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch)
    .replace(/w{3}(?=\.)|:(?=\/\/)/gi, '$&<wbr>')
    .replace(/@/g, '<wbr>@');
}

/** `www.` with its first `w` percent-encoded: the autolinker's `www\.` pattern no longer matches it. */
const WWW = /w(?=ww\.)/gi;
const encodeW = (w: string): string => (w === 'w' ? '%77' : '%57');

/**
 * A source URL for an attribute or a media link: http(s) without credentials, in its WHATWG
 * serialisation (quotes and angle brackets percent-encoded), with `'` percent-encoded too and
 * whatever the autolinker would start from (`www.`, `://`, `@`) encoded: in the path, query and
 * fragment `%77ww.`, `%3A//` and `%40` read the same to a web server; in the host a `www.` after
 * a dot or a letter (`news.www.example.org`, `awww.example.org`: the autolinker skips only one
 * right after `//`) becomes `%77ww.`, which a browser's URL parser decodes back into the host.
 * So the autolinker finds nothing in the attribute.
 */
export function timelineJsUrl(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (!['https:', 'http:'].includes(parsed.protocol) || parsed.username !== '' || parsed.password !== '') {
    return undefined;
  }
  const host = parsed.host.charAt(0) + parsed.host.slice(1).replace(WWW, encodeW);
  // Path, query and fragment as serialised (an empty `#` kept): no credentials, so the href is origin + rest.
  const rest = parsed.href
    .slice(parsed.origin.length)
    .replace(WWW, encodeW)
    .replace(/:(?=\/\/)/g, '%3A')
    .replace(/@/g, '%40');
  return `${parsed.protocol}//${host}${rest}`.replace(/'/g, '%27');
}

/**
 * A media slot's "URL" when it is a blockquote. TimelineJS picks a media type by matching this
 * string against patterns (`youtu.be`, `.pdf`, `iframe`, `imgur.com/`…) before it reaches
 * `blockquote`; each type splices the string into markup its own way. Written wholly as numeric
 * character references, the text matches none of them, and the blockquote type's DOMPurify turns
 * it back into plain text.
 */
function blockquote(text: string): string {
  // Code point by code point: a character reference names a code point, never half a surrogate pair.
  return `<blockquote>${text.replace(/[\s\S]/gu, (ch) => `&#${ch.codePointAt(0) ?? 0};`)}</blockquote>`;
}

/** A date at its own precision: month and day only where the report gives them. */
function timelineJsDate(text: string): TimelineJsDate | undefined {
  const parsed = parsePartialDate(text);
  if (!parsed) return undefined;
  const [year, month, day] = parsed.value.split('-').map(Number);
  return {
    year: year ?? 0,
    ...(month === undefined ? {} : { month }),
    ...(day === undefined ? {} : { day }),
  };
}

const h = timelineJsHtml;
/** An attribute value Dateline writes (a URL from `timelineJsUrl`): the HTML characters escaped, nothing else. */
const attribute = (text: string): string => text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
const paragraph = (lines: readonly string[]): string =>
  lines.length === 0 ? '' : `<p>${lines.join('<br>')}</p>`;
const labelled = (label: string, html: string): string => `<strong>${h(label)}:</strong> ${html}`;

/** A source as HTML: linked to its URL when it has a usable one. */
function sourceHtml(source: Source): string {
  const url = timelineJsUrl(source.url);
  const text = h(sourceLine(source));
  return url === undefined ? text : `<a href="${attribute(url)}" target="_blank" rel="noopener">${text}</a>`;
}

function slideText(e: PageEntry): string {
  const details = detailLines(e);
  const quote = details.find((line) => line.key === 'quote');
  const who = namesWithRoles(e.actors);
  const where = namesWithRoles(e.locations);
  return [
    e.summary === null ? '' : paragraph([h(e.summary)]),
    quote === undefined ? '' : `<blockquote>“${h(quote.text)}”</blockquote>`,
    paragraph(details.filter((line) => line !== quote).map((line) => labelled(line.label, h(line.text)))),
    paragraph([
      ...(who === '' ? [] : [labelled('Who', h(who))]),
      ...(where === '' ? [] : [labelled('Where', h(where))]),
    ]),
    paragraph(disputeTexts(e).map((d) => labelled(`Disputed, ${d.label}`, h(disputeSentence(d))))),
    paragraph(
      correctionTexts(e).map((c) =>
        labelled(`Corrected ${c.day}`, h(correctionSentence(c, (change) => change.label))),
      ),
    ),
    e.retraction === null ? '' : paragraph([labelled('Retracted', h(e.retraction.reason))]),
    paragraph([labelled('Sources', e.sources.map(sourceHtml).join('; '))]),
  ].join('');
}

/** The media slot: the source (its own quote, else its title, else its publisher), credited with a link. */
function media(e: PageEntry): TimelineJsMedia | undefined {
  const source = e.sources.find((s) => timelineJsUrl(s.url) !== undefined) ?? e.sources[0];
  if (source === undefined) return undefined;
  const link = timelineJsUrl(source.url);
  return {
    url: blockquote(source.quote ?? source.title ?? source.publisher),
    credit: sourceHtml(source),
    ...(link === undefined ? {} : { link, link_target: '_blank' }),
  };
}

export function timelineJs(page: EntryPage): TimelineJsDocument {
  return {
    ...(page.subject
      ? {
          title: {
            text: {
              headline: h(page.subject.name),
              text: h(
                ['Timeline from Dateline', knownWhenText(page)].filter((part) => part !== null).join(', '),
              ),
            },
          },
        }
      : {}),
    events: page.entries.flatMap((e): TimelineJsSlide[] => {
      const start = timelineJsDate(e.occurred.on);
      if (start === undefined) return [];
      const until = e.occurred.until === null ? undefined : timelineJsDate(e.occurred.until);
      const slot = media(e);
      return [
        {
          unique_id: e.incidentId,
          start_date: start,
          ...(until ? { end_date: until } : {}),
          text: { headline: h(e.title), text: slideText(e) },
          // TimelineJS shows the group as a row label in its time navigator: the kind as a reader says it.
          group: kindSpec(e.kind).label,
          ...(slot === undefined ? {} : { media: slot }),
        },
      ];
    }),
  };
}
