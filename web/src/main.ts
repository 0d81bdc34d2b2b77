import './style.css';
import { type ActionContext, toggleAction } from './actions.js';
import { showAidFlows } from './aid-flows.js';
import {
  ACTOR_ROLES,
  ApiError,
  type Change,
  type Entry,
  type FieldError,
  type Filters,
  getJson,
  KIND_TABLE,
  KINDS,
  LOCATION_ROLES,
  parsePartialDate,
  timelinePath,
  timelineQuery,
  type Warning,
} from './api.js';
import { combobox } from './combobox.js';
import { byId, h } from './dom.js';
import { checkDate } from './fields.js';
import { clearProblem, notSent, showProblem } from './problems.js';
import { draftsPanel } from './drafts-panel.js';
import { recordForm } from './record.js';
import { type Action, ACTIONS, renderChange, renderCompact, renderEntry } from './render.js';
import { showTimelineJs } from './timelinejs.js';
import { type PageState, parseHash, toHash, VIEWS, viewFits, withSubject } from './url-state.js';

let state: PageState = parseHash(location.hash);
/** The entries on screen, by incident id: what a card's actions work on. */
const shown = new Map<string, Entry>();
let subjectName = '';
let subjectKey = '';

const status = byId('status');
const timeline = byId<HTMLOListElement>('timeline');
const compact = byId<HTMLOListElement>('compact');
const changes = byId<HTMLOListElement>('changes');
const flowsBox = byId('aid-flows');
const filtersForm = byId<HTMLFormElement>('filters');
const filtersSummary = byId('filters-summary');

/* ---------- the address is the state ---------- */

function go(next: PageState): void {
  const hash = toHash(next);
  if (hash === location.hash) {
    state = next;
    void render();
  } else {
    location.hash = hash;
  }
}

window.addEventListener('hashchange', () => {
  state = parseHash(location.hash);
  void render();
});

const subjectHref = (kind: 'actor' | 'location', id: string): string =>
  toHash(withSubject(state, { kind, id }));

/* ---------- filters ---------- */

const kindsBox = byId('kinds');
for (const kind of KINDS) {
  kindsBox.append(
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'kind', value: kind, checked: true }),
      ` ${KIND_TABLE[kind].label.toLowerCase()}`,
    ),
  );
}
const kindBoxes = [...kindsBox.querySelectorAll<HTMLInputElement>('input[name=kind]')];
const roleSelect = byId<HTMLSelectElement>('role');
const dateInputs = {
  from: byId<HTMLInputElement>('from'),
  to: byId<HTMLInputElement>('to'),
  asOf: byId<HTMLInputElement>('as-of'),
};
/** Which question the "as of" box asks: the service's clock (asOf) or the sources' (reportedBy). */
const knownRadios = [...document.querySelectorAll<HTMLInputElement>('input[name=known]')];
const knownQuestion = (s: PageState): 'asOf' | 'reportedBy' =>
  s.reportedBy === undefined ? 'asOf' : 'reportedBy';
const include = byId<HTMLInputElement>('include');
const includeRetracted = byId<HTMLInputElement>('include-retracted');
const since = byId<HTMLInputElement>('since');

function roleOptions(): void {
  const roles =
    state.subject?.kind === 'location'
      ? LOCATION_ROLES
      : state.subject?.kind === 'actor'
        ? ACTOR_ROLES
        : [...ACTOR_ROLES, ...LOCATION_ROLES];
  roleSelect.replaceChildren(
    h('option', { value: '' }, 'any role'),
    ...roles.map((role) => h('option', { value: role }, role.replace(/_/g, ' '))),
  );
}

/** The controls show the state: after a reload, a shared link or a new subject. */
function showState(): void {
  roleOptions();
  roleSelect.value = state.role ?? '';
  dateInputs.from.value = state.from ?? '';
  dateInputs.to.value = state.to ?? '';
  dateInputs.asOf.value = state.reportedBy ?? state.asOf ?? '';
  for (const radio of knownRadios) radio.checked = radio.value === knownQuestion(state);
  since.value = state.since ?? '';
  include.checked = state.include;
  includeRetracted.checked = state.includeRetracted;
  for (const box of kindBoxes) box.checked = state.kinds.length === 0 || state.kinds.includes(box.value);
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=granularity]')) {
    radio.checked = radio.value === state.granularity;
  }
  byId('include-label').textContent =
    state.subject?.kind === 'location' ? 'Include places within (descendants)' : 'Include affiliates';
  byId('view-aid-flows').hidden = state.subject?.kind !== 'location';
  for (const view of VIEWS) byId(`view-${view}`).setAttribute('aria-pressed', String(view === state.view));
  timeline.hidden = state.view !== 'list';
  compact.hidden = state.view !== 'compact';
  changes.hidden = state.view !== 'changes';
  byId('changes-form').hidden = state.view !== 'changes';
  byId('flows-form').hidden = state.view !== 'aid-flows';
  flowsBox.hidden = state.view !== 'aid-flows';
  byId('timelinejs-view').hidden = state.view !== 'timelinejs';
}

/** The controls as a state; dates that are not a year, a month or a day are refused on the spot. */
function readControls(): { next: PageState; errors: FieldError[] } {
  const value = (input: HTMLInputElement): string | undefined => input.value.trim() || undefined;
  const checked = kindBoxes.filter((box) => box.checked).map((box) => box.value);
  const errors = [
    ...checkDate(dateInputs.from.value.trim(), 'from'),
    ...checkDate(dateInputs.to.value.trim(), 'to'),
    ...checkDate(dateInputs.asOf.value.trim(), 'asOf'),
  ];
  const from = value(dateInputs.from);
  const to = value(dateInputs.to);
  if (
    errors.length === 0 &&
    from &&
    to &&
    (parsePartialDate(to)?.lastDay ?? '') < (parsePartialDate(from)?.firstDay ?? '')
  ) {
    errors.push({ field: 'to', message: 'must not be before From' });
  }
  const next: PageState = {
    subject: state.subject,
    view: state.view,
    kinds: checked.length === KINDS.length ? [] : checked,
    include: include.checked,
    includeRetracted: includeRetracted.checked,
    granularity:
      document.querySelector<HTMLInputElement>('input[name=granularity]:checked')?.value === 'week'
        ? 'week'
        : 'day',
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(roleSelect.value ? { role: roleSelect.value } : {}),
    ...knownAt(value(dateInputs.asOf)),
    ...(value(since) ? { since: value(since) } : {}),
  };
  return { next, errors };
}

/** The "as of" date under the question picked beside it. */
function knownAt(date: string | undefined): { asOf?: string; reportedBy?: string } {
  if (date === undefined) return {};
  const question = knownRadios.find((radio) => radio.checked)?.value;
  return question === 'reportedBy' ? { reportedBy: date } : { asOf: date };
}

/** What the status line says of the time asked about, if any. */
function knownText(): string {
  if (state.reportedBy) return ` as reported by ${state.reportedBy}`;
  return state.asOf ? ` as known on ${state.asOf}` : '';
}

function filters(): Filters {
  return {
    kinds: state.kinds,
    include: state.include,
    includeRetracted: state.includeRetracted,
    ...(state.from ? { from: state.from } : {}),
    ...(state.to ? { to: state.to } : {}),
    ...(state.role ? { role: state.role } : {}),
    ...(state.asOf ? { asOf: state.asOf } : {}),
    ...(state.reportedBy ? { reportedBy: state.reportedBy } : {}),
  };
}

filtersForm.addEventListener('submit', (event) => {
  event.preventDefault();
  clearProblem(filtersForm, filtersSummary);
  const { next, errors } = readControls();
  if (errors.length > 0) {
    showProblem(filtersForm, filtersSummary, notSent(errors));
    return;
  }
  if (next.subject === null) {
    status.textContent = 'Pick an actor or a location from the matches first.';
    return;
  }
  go(next);
});

/* ---------- the subject ---------- */

const subjectInput = byId<HTMLInputElement>('subject-search');
combobox({
  input: subjectInput,
  kinds: ['actor', 'location'],
  onPick: (match) => {
    go(withSubject(state, { kind: match.subjectKind, id: match.id }));
  },
});

/* ---------- views ---------- */

for (const view of VIEWS) {
  byId(`view-${view}`).addEventListener('click', () => {
    const { next } = readControls();
    if (viewFits(view, state.subject)) go({ ...next, view });
  });
}
byId<HTMLFormElement>('changes-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = byId<HTMLFormElement>('changes-form');
  const summary = filtersSummary;
  clearProblem(form, summary);
  const errors = checkDate(since.value.trim(), 'since');
  if (since.value.trim() === '')
    errors.push({ field: 'since', message: 'give a date: changes recorded after its start' });
  if (errors.length > 0) {
    showProblem(form, summary, notSent(errors));
    return;
  }
  go(readControls().next);
});
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=granularity]')) {
  radio.addEventListener('change', () => {
    go(readControls().next);
  });
}

function setExports(): void {
  if (state.subject === null) return;
  const base = timelinePath(state.subject);
  for (const format of ['csv', 'timelinejs', 'geojson', 'ics']) {
    const link = byId<HTMLAnchorElement>(`export-${format}`);
    link.href = `${base}?${timelineQuery(state.subject, filters(), format)}`;
    const ext = format === 'timelinejs' ? 'timelinejs.json' : format;
    link.setAttribute('download', `${state.subject.id}.${ext}`);
  }
  byId('exports').hidden = false;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** Does an entry's span overlap the dates on screen? The changes feed is filtered the same way as the timeline. */
function inRange(entry: Entry): boolean {
  const from = state.from ? parsePartialDate(state.from) : undefined;
  const to = state.to ? parsePartialDate(state.to) : undefined;
  const first = parsePartialDate(entry.occurred.on)?.firstDay ?? entry.occurred.on;
  const last = parsePartialDate(entry.occurred.until ?? entry.occurred.on)?.lastDay ?? entry.occurred.on;
  return (!from || last >= from.firstDay) && (!to || first <= to.lastDay);
}

async function loadEntries(): Promise<void> {
  const subject = state.subject;
  if (subject === null) return;
  const page = await getJson<{ subject?: { name?: string }; entries: Entry[] }>(
    `${timelinePath(subject)}?${timelineQuery(subject, filters())}`,
  );
  subjectName = page.body.subject?.name ?? subject.id;
  const entries = page.body.entries;
  shown.clear();
  for (const entry of entries) shown.set(entry.incidentId, entry);
  if (state.view === 'compact') {
    compact.replaceChildren(...entries.map((entry) => renderCompact(entry, subjectHref)));
    timeline.replaceChildren();
  } else {
    timeline.replaceChildren(...entries.map((entry) => renderEntry(entry, subjectHref, { actions: true })));
    compact.replaceChildren();
  }
  status.textContent = `${plural(entries.length, 'entry', 'entries')}${knownText()}.`;
}

async function loadChanges(): Promise<void> {
  const subject = state.subject;
  if (subject === null) return;
  changes.replaceChildren();
  if (!state.since) {
    status.textContent = 'Give a date to see what changed since.';
    return;
  }
  const first = parsePartialDate(state.since)?.firstDay ?? state.since;
  const query = new URLSearchParams({ since: `${first}T00:00:00Z`, limit: '500' });
  // "Show retracted entries" shows what since-retracted incidents said in the feed too.
  if (state.includeRetracted) query.set('includeRetracted', 'true');
  const page = await getJson<{ subject?: { name?: string }; changes: Change[] }>(
    `${timelinePath(subject)}/changes?${query.toString()}`,
  );
  subjectName = page.body.subject?.name ?? subjectName;
  // A withdrawn change (its incident retracted since) has no dates or kind to filter on: it stays.
  const kept = page.body.changes.filter(
    (c) =>
      c.entry === null ||
      (inRange(c.entry) && (state.kinds.length === 0 || state.kinds.includes(c.entry.kind))),
  );
  changes.replaceChildren(...kept.map((change) => renderChange(change, subjectHref)));
  const left = page.body.changes.length - kept.length;
  status.textContent = `${plural(kept.length, 'change', 'changes')} since ${state.since}${left > 0 ? ` (${left} outside the dates or kinds chosen)` : ''}.`;
}

async function render(): Promise<void> {
  showState();
  const subject = state.subject;
  if (subject === null) return;
  if (`${subject.kind}/${subject.id}` !== subjectKey) {
    subjectKey = `${subject.kind}/${subject.id}`;
    subjectName = '';
  }
  if (document.activeElement !== subjectInput && subjectName === '') subjectInput.value = subject.id;
  setExports();
  status.textContent = 'Loading…';
  try {
    if (state.view === 'changes') await loadChanges();
    else if (state.view === 'aid-flows') {
      const summary = await showAidFlows(flowsBox, subject.id, {
        granularity: state.granularity,
        ...(state.from ? { from: state.from } : {}),
        ...(state.to ? { to: state.to } : {}),
        ...(state.asOf ? { asOf: state.asOf } : {}),
        ...(state.reportedBy ? { reportedBy: state.reportedBy } : {}),
      });
      const located = await getJson<{ name?: string }>(
        `/v1/locations/${encodeURIComponent(subject.id)}`,
      ).catch(() => null);
      subjectName = located?.body.name ?? subjectName;
      status.textContent = knownText() === '' ? summary : `${summary.slice(0, -1)},${knownText()}.`;
    } else {
      await loadEntries();
      if (state.view === 'timelinejs') await drawTimelineJs();
    }
    byId('results-heading').textContent =
      state.view === 'aid-flows'
        ? `Aid flows through ${subjectName || subject.id}`
        : `Timeline of ${subjectName || subject.id}`;
    if (document.activeElement !== subjectInput) subjectInput.value = subjectName || subject.id;
  } catch (error) {
    timeline.replaceChildren();
    compact.replaceChildren();
    status.textContent = error instanceof ApiError ? `Could not load: ${error.message}` : String(error);
  }
}

async function drawTimelineJs(): Promise<void> {
  const subject = state.subject;
  if (subject === null) return;
  const data = await getJson<unknown>(
    `${timelinePath(subject)}?${timelineQuery(subject, filters(), 'timelinejs')}`,
  );
  await showTimelineJs(byId('timelinejs'), data.body, subjectName || subject.id).catch((error: unknown) => {
    status.textContent = `TimelineJS could not be shown: ${(error as Error).message}`;
  });
}

/* ---------- editor ---------- */

const apiKey = byId<HTMLInputElement>('api-key');
apiKey.value = sessionStorage.getItem('dateline.apiKey') ?? '';
apiKey.addEventListener('input', () => {
  sessionStorage.setItem('dateline.apiKey', apiKey.value);
});

function authHeaders(): Record<string, string> {
  const key = apiKey.value.trim();
  return key === '' ? {} : { authorization: `Bearer ${key}` };
}

function warningText(warnings: readonly Warning[] | undefined): string {
  return warnings && warnings.length > 0 ? ` Check: ${warnings.map((w) => w.message).join('; ')}` : '';
}

const actionContext: ActionContext = {
  authHeaders,
  done: (message, incidentId, warnings) => {
    void (async () => {
      await render();
      status.textContent = `${message}${warningText(warnings)}`;
      const card = document.querySelector<HTMLElement>(`[data-incident="${incidentId}"]`);
      if (card) {
        card.querySelector('details')?.setAttribute('open', '');
        (card.querySelector<HTMLElement>('.entry') ?? card).focus();
      } else status.focus();
    })();
  },
};

for (const list of [timeline, compact]) {
  list.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    const card = button?.closest<HTMLElement>('.entry');
    const entry = shown.get(card?.dataset['incident'] ?? '');
    const action = button?.dataset['action'] as Action | undefined;
    if (card && entry && action && (ACTIONS as readonly string[]).includes(action)) {
      void toggleAction(card, entry, action, actionContext);
    }
  });
}

const incidentForm = recordForm(byId('record'), {
  authHeaders,
  recorded: () => {
    if (state.subject !== null) void render();
  },
});
draftsPanel(document.querySelector('main') ?? document.body, {
  authHeaders,
  form: incidentForm,
  recorded: () => {
    if (state.subject !== null) void render();
  },
});

status.setAttribute('tabindex', '-1');
void render();
