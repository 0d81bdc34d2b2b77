/**
 * What the page shows, as its address: `#location/rafah-crossing?view=aid-flows&from=2023-10&to=2023-11`.
 * The hash holds it all, so a view can be shared, bookmarked and restored on reload, and the server
 * needs no route for it.
 */
import { KINDS, type SubjectKind } from './api.js';

export const VIEWS = ['list', 'compact', 'timelinejs', 'changes', 'aid-flows'] as const;
export type View = (typeof VIEWS)[number];

export interface PageState {
  readonly subject: { readonly kind: SubjectKind; readonly id: string } | null;
  readonly view: View;
  readonly from?: string;
  readonly to?: string;
  /** Kinds shown; empty means every kind. */
  readonly kinds: readonly string[];
  readonly role?: string;
  readonly include: boolean;
  readonly includeRetracted: boolean;
  /** "As of", the service's clock: the answer as Dateline knew it at the end of this date. */
  readonly asOf?: string;
  /**
   * "As of", the sources' clock: the answer as its sources had published it by the end of this
   * date. The page's one "as of" box asks one of the two questions, so at most one of them is set.
   */
  readonly reportedBy?: string;
  /** The changes view: changes recorded since this date. */
  readonly since?: string;
  /** The aid-flows view: per day or per ISO week. */
  readonly granularity: 'day' | 'week';
}

export const DEFAULT_STATE: PageState = {
  subject: null,
  view: 'list',
  kinds: [],
  include: false,
  includeRetracted: false,
  granularity: 'day',
};

/** Views that need a location: aid flows are counted at crossings and the places above them. */
export const viewFits = (view: View, subject: PageState['subject']): boolean =>
  view !== 'aid-flows' || subject?.kind === 'location';

export function parseHash(hash: string): PageState {
  const match = /^#(actor|location)\/([^/?#]+)(?:\?(.*))?$/.exec(hash);
  if (match === null) return DEFAULT_STATE;
  const subject = { kind: match[1] as SubjectKind, id: decodeURIComponent(match[2] ?? '') };
  const query = new URLSearchParams(match[3] ?? '');
  const text = (name: string): string | undefined => {
    const value = query.get(name)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const view = text('view');
  const kinds = (text('kind') ?? '').split(',').filter((k) => (KINDS as readonly string[]).includes(k));
  const state: PageState = {
    subject,
    view: view !== undefined && (VIEWS as readonly string[]).includes(view) ? (view as View) : 'list',
    kinds,
    include: query.get('include') === '1',
    includeRetracted: query.get('retracted') === '1',
    granularity: query.get('granularity') === 'week' ? 'week' : 'day',
    ...optional('from', text('from')),
    ...optional('to', text('to')),
    ...optional('role', text('role')),
    // One box asks one question: an address that names both is read as the sources' one.
    ...(text('reportedBy') === undefined
      ? optional('asOf', text('asOf'))
      : optional('reportedBy', text('reportedBy'))),
    ...optional('since', text('since')),
  };
  return viewFits(state.view, subject) ? state : { ...state, view: 'list' };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

export function toHash(state: PageState): string {
  if (state.subject === null) return '';
  const query = new URLSearchParams();
  if (state.view !== 'list') query.set('view', state.view);
  if (state.from) query.set('from', state.from);
  if (state.to) query.set('to', state.to);
  if (state.kinds.length > 0 && state.kinds.length < KINDS.length) query.set('kind', state.kinds.join(','));
  if (state.role) query.set('role', state.role);
  if (state.include) query.set('include', '1');
  if (state.includeRetracted) query.set('retracted', '1');
  if (state.asOf) query.set('asOf', state.asOf);
  if (state.reportedBy) query.set('reportedBy', state.reportedBy);
  if (state.since) query.set('since', state.since);
  if (state.granularity === 'week') query.set('granularity', 'week');
  // Commas and colons read better unescaped in an address bar; both are safe in a fragment.
  const rest = query.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
  return `#${state.subject.kind}/${encodeURIComponent(state.subject.id)}${rest === '' ? '' : `?${rest}`}`;
}

/**
 * Another subject keeps the way of looking (view, kinds) but not the dates, the role or the
 * widening: they were chosen for the old subject.
 */
export function withSubject(state: PageState, subject: NonNullable<PageState['subject']>): PageState {
  return {
    subject,
    view: viewFits(state.view, subject) ? state.view : 'list',
    kinds: state.kinds,
    include: false,
    includeRetracted: state.includeRetracted,
    granularity: state.granularity,
  };
}
