import './style.css';
import {
  ACTOR_ROLES,
  ApiError,
  type Change,
  type Entry,
  type FieldError,
  type Filters,
  getJson,
  humanKind,
  KINDS,
  LOCATION_ROLES,
  mentions,
  postJson,
  type RegistryItem,
  sources,
  type Subject,
  type SubjectKind,
  timelinePath,
  timelineQuery,
} from './api.js';
import { byId, h } from './dom.js';
import { renderChange, renderEntry } from './render.js';
import { showTimelineJs } from './timelinejs.js';

type View = 'list' | 'timelinejs' | 'changes';

const state: {
  subject: Subject | null;
  view: View;
  options: (RegistryItem & { subjectKind: SubjectKind })[];
  active: number;
} = {
  subject: null,
  view: 'list',
  options: [],
  active: -1,
};

const search = byId<HTMLInputElement>('subject-search');
const listbox = byId<HTMLUListElement>('subject-options');
const status = byId('status');
const timeline = byId<HTMLOListElement>('timeline');
const changes = byId<HTMLOListElement>('changes');

/* ---------- filters ---------- */

const kindsBox = byId('kinds');
for (const kind of KINDS) {
  kindsBox.append(
    h(
      'label',
      { class: 'check' },
      h('input', { type: 'checkbox', name: 'kind', value: kind, checked: true }),
      ` ${humanKind(kind)}`,
    ),
  );
}
const roleSelect = byId<HTMLSelectElement>('role');
for (const role of [...ACTOR_ROLES, ...LOCATION_ROLES]) {
  roleSelect.append(h('option', { value: role }, role.replace(/_/g, ' ')));
}
const recordKind = byId<HTMLSelectElement>('r-kind');
for (const kind of KINDS) recordKind.append(h('option', { value: kind }, humanKind(kind)));

function inputValue(id: string): string {
  return byId<HTMLInputElement>(id).value.trim();
}

function filters(): Filters {
  const kinds = [...kindsBox.querySelectorAll<HTMLInputElement>('input[name=kind]')]
    .filter((box) => box.checked)
    .map((box) => box.value);
  const from = inputValue('from');
  const to = inputValue('to');
  const role = roleSelect.value;
  const asOf = inputValue('as-of');
  return {
    kinds,
    include: byId<HTMLInputElement>('include').checked,
    includeRetracted: byId<HTMLInputElement>('include-retracted').checked,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(role ? { role } : {}),
    ...(asOf ? { asOf } : {}),
  };
}

/* ---------- search as you type (ARIA combobox) ---------- */

let searchSeq = 0;
let searchTimer: number | undefined;

function closeOptions(): void {
  listbox.hidden = true;
  search.setAttribute('aria-expanded', 'false');
  search.removeAttribute('aria-activedescendant');
  state.active = -1;
}

function renderOptions(): void {
  listbox.replaceChildren(
    ...state.options.map((option, i) =>
      h(
        'li',
        {
          id: `subject-option-${i}`,
          role: 'option',
          'aria-selected': i === state.active ? 'true' : 'false',
          'data-index': String(i),
        },
        h('span', { class: 'option-name' }, option.name),
        ' ',
        h('span', { class: 'option-kind' }, `${option.subjectKind} · ${option.kind} · ${option.id}`),
      ),
    ),
  );
  if (state.options.length === 0) {
    listbox.append(h('li', { class: 'empty', role: 'option', 'aria-disabled': 'true' }, 'No match'));
  }
  listbox.hidden = false;
  search.setAttribute('aria-expanded', 'true');
  if (state.active >= 0) search.setAttribute('aria-activedescendant', `subject-option-${state.active}`);
  else search.removeAttribute('aria-activedescendant');
}

async function runSearch(q: string): Promise<void> {
  const seq = ++searchSeq;
  const query = new URLSearchParams({ q, limit: '8' }).toString();
  try {
    const [actors, locations] = await Promise.all([
      getJson<{ items: RegistryItem[] }>(`/v1/actors?${query}`),
      getJson<{ items: RegistryItem[] }>(`/v1/locations?${query}`),
    ]);
    if (seq !== searchSeq) return;
    state.options = [
      ...actors.body.items.map((item) => ({ ...item, subjectKind: 'actor' as const })),
      ...locations.body.items.map((item) => ({ ...item, subjectKind: 'location' as const })),
    ];
    state.active = state.options.length > 0 ? 0 : -1;
    renderOptions();
  } catch (error) {
    if (seq === searchSeq) status.textContent = `Search failed: ${(error as Error).message}`;
  }
}

search.addEventListener('input', () => {
  window.clearTimeout(searchTimer);
  const q = search.value.trim();
  if (q === '') {
    closeOptions();
    return;
  }
  searchTimer = window.setTimeout(() => void runSearch(q), 150);
});

function choose(index: number): void {
  const option = state.options[index];
  if (option === undefined) return;
  closeOptions();
  search.value = option.name;
  location.hash = `${option.subjectKind}/${encodeURIComponent(option.id)}`;
}

search.addEventListener('keydown', (event) => {
  if (listbox.hidden) {
    if (event.key === 'ArrowDown' && search.value.trim() !== '') void runSearch(search.value.trim());
    return;
  }
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const n = state.options.length;
    if (n === 0) return;
    state.active = (state.active + (event.key === 'ArrowDown' ? 1 : n - 1)) % n;
    renderOptions();
  } else if (event.key === 'Enter') {
    event.preventDefault();
    choose(state.active);
  } else if (event.key === 'Escape') {
    closeOptions();
  }
});
listbox.addEventListener('mousedown', (event) => {
  event.preventDefault();
});
listbox.addEventListener('click', (event) => {
  const item = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
  if (item?.dataset['index'] !== undefined) choose(Number(item.dataset['index']));
});
search.addEventListener('blur', () => {
  closeOptions();
});

/* ---------- timeline ---------- */

function subjectFromHash(): Subject | null {
  const match = /^#(actor|location)\/([^/?#]+)$/.exec(location.hash);
  if (match === null) return null;
  const id = decodeURIComponent(match[2] ?? '');
  return { kind: match[1] as SubjectKind, id, name: id };
}

function setExports(subject: Subject, f: Filters): void {
  const base = timelinePath(subject);
  for (const format of ['csv', 'timelinejs', 'geojson', 'ics']) {
    const link = byId<HTMLAnchorElement>(`export-${format}`);
    link.href = `${base}?${timelineQuery(subject, f, format)}`;
    const ext = format === 'timelinejs' ? 'timelinejs.json' : format;
    link.setAttribute('download', `${subject.id}.${ext}`);
  }
  byId('exports').hidden = false;
}

function setView(view: View): void {
  state.view = view;
  for (const name of ['list', 'timelinejs', 'changes'] as const) {
    byId(`view-${name}`).setAttribute('aria-pressed', String(name === view));
  }
  timeline.hidden = view !== 'list';
  byId('timelinejs-view').hidden = view !== 'timelinejs';
  changes.hidden = view !== 'changes';
  byId('changes-form').hidden = view !== 'changes';
}

async function load(): Promise<void> {
  const subject = state.subject;
  if (subject === null) return;
  const f = filters();
  byId('include-label').textContent =
    subject.kind === 'actor' ? 'Include affiliates' : 'Include places within (descendants)';
  setExports(subject, f);
  status.textContent = 'Loading…';
  try {
    const page = await getJson<{ subject?: { name?: string; id?: string }; entries: Entry[] }>(
      `${timelinePath(subject)}?${timelineQuery(subject, f)}`,
    );
    const name = page.body.subject?.name ?? subject.name;
    state.subject = { ...subject, name };
    if (document.activeElement !== search) search.value = name;
    byId('results-heading').textContent = `Timeline of ${name}`;
    const entries = page.body.entries;
    timeline.replaceChildren(...entries.map((entry) => renderEntry(entry)));
    status.textContent = `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}${f.asOf ? ` as known on ${f.asOf}` : ''}.`;
    if (state.view === 'timelinejs') await drawTimelineJs();
  } catch (error) {
    timeline.replaceChildren();
    status.textContent =
      error instanceof ApiError ? `Could not load the timeline: ${error.message}` : String(error);
  }
}

async function drawTimelineJs(): Promise<void> {
  const subject = state.subject;
  if (subject === null) return;
  const f = filters();
  const data = await getJson<unknown>(`${timelinePath(subject)}?${timelineQuery(subject, f, 'timelinejs')}`);
  await showTimelineJs(byId('timelinejs'), data.body, subject.name);
}

async function loadChanges(): Promise<void> {
  const subject = state.subject;
  const since = inputValue('since');
  if (subject === null || since === '') {
    status.textContent = 'Pick a subject and a date to see what changed since.';
    return;
  }
  const path = `${timelinePath(subject)}/changes?${new URLSearchParams({ since: `${since}T00:00:00Z`, limit: '500' }).toString()}`;
  try {
    const page = await getJson<{ changes: Change[] }>(path);
    changes.replaceChildren(...page.body.changes.map(renderChange));
    status.textContent = `${page.body.changes.length} changes since ${since}.`;
  } catch (error) {
    status.textContent = `Could not load the changes: ${(error as Error).message}`;
  }
}

function onHash(): void {
  const subject = subjectFromHash();
  if (subject === null) return;
  state.subject = subject;
  void load();
}
window.addEventListener('hashchange', onHash);
byId<HTMLFormElement>('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  if (state.subject === null && state.options.length > 0) choose(0);
  else void load();
});
byId('view-list').addEventListener('click', () => {
  setView('list');
});
byId('view-changes').addEventListener('click', () => {
  setView('changes');
  if (inputValue('since') !== '') void loadChanges();
});
byId('view-timelinejs').addEventListener('click', () => {
  setView('timelinejs');
  void drawTimelineJs().catch((error: unknown) => {
    status.textContent = `TimelineJS could not be shown: ${(error as Error).message}`;
  });
});
byId<HTMLFormElement>('changes-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void loadChanges();
});

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

/** Shows a problem document's field errors next to the fields (matched by `data-field` prefix), the rest on top. */
function showProblem(form: HTMLFormElement, summaryId: string, error: unknown): void {
  const summary = byId(summaryId);
  const problem = error instanceof ApiError ? error.problem : { title: String(error) };
  const errors: readonly FieldError[] = problem.errors ?? [];
  const fields = [...form.querySelectorAll<HTMLElement>('[data-field]')].sort(
    (a, b) => (b.dataset['field'] ?? '').length - (a.dataset['field'] ?? '').length,
  );
  const unplaced: FieldError[] = [];
  for (const fieldError of errors) {
    const path = fieldError.field.replace(/\[(\d+)\]/g, '.$1');
    const target = fields.find((f) => {
      const name = f.dataset['field'] ?? '';
      return path === name || path.startsWith(`${name}.`);
    });
    if (target === undefined) {
      unplaced.push(fieldError);
      continue;
    }
    const control = target.querySelector<HTMLElement>('input, textarea, select');
    let message = target.querySelector<HTMLElement>('.field-error');
    if (message === null) {
      message = h('p', { class: 'field-error', id: `${control?.id ?? 'x'}-error` });
      target.append(message);
    }
    message.append(h('span', {}, `${fieldError.field}: ${fieldError.message}`), ' ');
    control?.setAttribute('aria-invalid', 'true');
    control?.setAttribute('aria-describedby', message.id);
  }
  summary.replaceChildren(
    h(
      'p',
      {},
      `${problem.title ?? 'The request failed'}${problem.detail && errors.length === 0 ? `: ${problem.detail}` : ''}${errors.length > unplaced.length ? ' (see the messages next to the fields)' : ''}`,
    ),
    ...(unplaced.length > 0
      ? [
          h(
            'ul',
            {},
            unplaced.map((e) => h('li', {}, `${e.field}: ${e.message}`)),
          ),
        ]
      : []),
  );
  summary.hidden = false;
  form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

function clearProblem(form: HTMLFormElement, summaryId: string): void {
  byId(summaryId).hidden = true;
  for (const message of form.querySelectorAll('.field-error')) message.remove();
  for (const control of form.querySelectorAll('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
    control.removeAttribute('aria-describedby');
  }
}

function parseDetails(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  return JSON.parse(text) as Record<string, unknown>;
}

const recordForm = byId<HTMLFormElement>('record-form');
recordForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void (async () => {
    clearProblem(recordForm, 'record-summary');
    const result = byId('record-result');
    result.textContent = '';
    let details: Record<string, unknown> | undefined;
    try {
      details = parseDetails(byId<HTMLTextAreaElement>('r-details').value);
    } catch {
      showProblem(
        recordForm,
        'record-summary',
        new ApiError(400, {
          title: 'Not sent',
          errors: [{ field: 'details', message: 'must be a JSON object' }],
        }),
      );
      return;
    }
    const until = inputValue('r-until');
    const summary = byId<HTMLTextAreaElement>('r-summary').value.trim();
    const body = {
      kind: recordKind.value,
      occurred: { on: inputValue('r-on'), ...(until ? { until } : {}) },
      title: inputValue('r-title'),
      ...(summary ? { summary } : {}),
      actors: mentions(byId<HTMLTextAreaElement>('r-actors').value),
      locations: mentions(byId<HTMLTextAreaElement>('r-locations').value),
      ...(details ? { details } : {}),
      sources: sources(byId<HTMLTextAreaElement>('r-sources').value),
    };
    try {
      const recorded = await postJson<{ id: string; revision: number }>('/v1/incidents', body, authHeaders());
      result.replaceChildren(
        `Recorded incident `,
        h('code', { id: 'recorded-id' }, recorded.body.id),
        ` (revision ${recorded.body.revision}).`,
      );
      byId<HTMLInputElement>('c-id').value = recorded.body.id;
      byId<HTMLInputElement>('x-id').value = recorded.body.id;
      if (state.subject !== null) void load();
    } catch (error) {
      showProblem(recordForm, 'record-summary', error);
    }
  })();
});

const correctForm = byId<HTMLFormElement>('correct-form');
let loaded: { id: string; etag: string; entry: Entry } | null = null;

byId('c-load').addEventListener('click', () => {
  void (async () => {
    clearProblem(correctForm, 'correct-summary');
    const id = inputValue('c-id');
    try {
      const incident = await getJson<Entry>(`/v1/incidents/${encodeURIComponent(id)}`);
      const etag = incident.etag ?? `"${incident.body.revision}"`;
      loaded = { id, etag, entry: incident.body };
      byId<HTMLInputElement>('c-title').value = incident.body.title;
      byId<HTMLTextAreaElement>('c-summary').value = incident.body.summary ?? '';
      byId<HTMLInputElement>('c-on').value = incident.body.occurred.on;
      byId('c-etag').textContent = `Loaded revision ${incident.body.revision} (ETag ${etag}).`;
    } catch (error) {
      showProblem(correctForm, 'correct-summary', error);
    }
  })();
});

correctForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void (async () => {
    clearProblem(correctForm, 'correct-summary');
    const result = byId('correct-result');
    result.textContent = '';
    const id = inputValue('c-id');
    if (loaded === null || loaded.id !== id) {
      showProblem(
        correctForm,
        'correct-summary',
        new ApiError(428, { title: 'Load the current version first: a correction is sent with its ETag' }),
      );
      return;
    }
    const changesBody: Record<string, unknown> = {};
    const title = inputValue('c-title');
    const summary = byId<HTMLTextAreaElement>('c-summary').value.trim();
    const on = inputValue('c-on');
    if (title !== loaded.entry.title) changesBody['title'] = title;
    if (summary !== (loaded.entry.summary ?? '')) changesBody['summary'] = summary;
    if (on !== loaded.entry.occurred.on) {
      changesBody['occurred'] = {
        on,
        ...(loaded.entry.occurred.until ? { until: loaded.entry.occurred.until } : {}),
      };
    }
    try {
      const corrected = await postJson<{ revision: number }>(
        `/v1/incidents/${encodeURIComponent(id)}/corrections`,
        { changes: changesBody, reason: inputValue('c-reason') },
        { ...authHeaders(), 'if-match': loaded.etag },
      );
      const etag = corrected.etag ?? `"${corrected.body.revision}"`;
      loaded = {
        ...loaded,
        etag,
        entry: { ...loaded.entry, title, summary, revision: corrected.body.revision },
      };
      result.textContent = `Corrected: now revision ${corrected.body.revision}.`;
      byId('c-etag').textContent = `Current revision ${corrected.body.revision} (ETag ${etag}).`;
      if (state.subject !== null) void load();
    } catch (error) {
      showProblem(correctForm, 'correct-summary', error);
    }
  })();
});

const retractForm = byId<HTMLFormElement>('retract-form');
retractForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void (async () => {
    clearProblem(retractForm, 'retract-summary');
    const result = byId('retract-result');
    result.textContent = '';
    const id = inputValue('x-id');
    if (id === '') {
      showProblem(
        retractForm,
        'retract-summary',
        new ApiError(400, {
          title: 'Not sent',
          errors: [{ field: 'id', message: 'an incident id is needed' }],
        }),
      );
      return;
    }
    try {
      await postJson(
        `/v1/incidents/${encodeURIComponent(id)}/retraction`,
        { reason: inputValue('x-reason') },
        authHeaders(),
      );
      result.textContent = `Retracted ${id}.`;
      if (state.subject !== null) void load();
    } catch (error) {
      showProblem(retractForm, 'retract-summary', error);
    }
  })();
});

setView('list');
onHash();
