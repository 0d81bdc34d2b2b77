/** Field errors and warnings placed next to the fields they name, the rest in the form's summary. */
import { ApiError, type FieldError, type Problem, type Warning } from './api.js';
import { h } from './dom.js';

/** The `data-field` wrapper a path such as `details.people.wounded` or `actors[1].name` belongs to. */
function placeOf(form: HTMLElement, field: string): HTMLElement | undefined {
  const path = field.replace(/\[(\d+)\]/g, '.$1').replace(/^changes\./, '');
  const fields = [...form.querySelectorAll<HTMLElement>('[data-field]')].sort(
    (a, b) => (b.dataset['field'] ?? '').length - (a.dataset['field'] ?? '').length,
  );
  return fields.find((f) => {
    const name = f.dataset['field'] ?? '';
    return path === name || path.startsWith(`${name}.`);
  });
}

function note(target: HTMLElement, className: string, text: string): HTMLElement {
  const control = target.querySelector<HTMLElement>('input, textarea, select');
  let message = target.querySelector<HTMLElement>(`:scope > .${className}`);
  if (message === null) {
    message = h('p', {
      class: className,
      id: `${control?.id ?? `m${String(Math.random()).slice(2)}`}-${className}`,
    });
    target.append(message);
  }
  message.append(h('span', {}, text), ' ');
  if (control) {
    const ids = new Set((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
    ids.add(message.id);
    control.setAttribute('aria-describedby', [...ids].join(' '));
  }
  return message;
}

export function clearProblem(form: HTMLElement, summary: HTMLElement): void {
  summary.hidden = true;
  summary.replaceChildren();
  for (const message of form.querySelectorAll('.field-error, .field-warning')) {
    for (const control of form.querySelectorAll(`[aria-describedby~="${message.id}"]`)) {
      const rest = (control.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .filter((x) => x && x !== message.id);
      if (rest.length > 0) control.setAttribute('aria-describedby', rest.join(' '));
      else control.removeAttribute('aria-describedby');
    }
    message.remove();
  }
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
}

/** Shows a problem (the API's, or the page's own check) and moves focus to the first bad field. */
export function showProblem(form: HTMLElement, summary: HTMLElement, error: unknown): void {
  const problem: Problem = error instanceof ApiError ? error.problem : { title: String(error) };
  const errors: readonly FieldError[] = problem.errors ?? [];
  const unplaced: FieldError[] = [];
  for (const fieldError of errors) {
    const target = placeOf(form, fieldError.field);
    if (target === undefined) {
      unplaced.push(fieldError);
      continue;
    }
    note(target, 'field-error', `${fieldError.field}: ${fieldError.message}`);
    target.querySelector('input, textarea, select')?.setAttribute('aria-invalid', 'true');
  }
  const title = problem.title ?? 'The request failed';
  const detail = problem.detail && errors.length === 0 ? `: ${problem.detail}` : '';
  summary.replaceChildren(
    h(
      'p',
      {},
      `${title}${detail}${errors.length > unplaced.length ? ' (see the messages next to the fields)' : ''}`,
    ),
  );
  if (unplaced.length > 0)
    summary.append(
      h(
        'ul',
        {},
        unplaced.map((e) => h('li', {}, `${e.field}: ${e.message}`)),
      ),
    );
  summary.hidden = false;
  (form.querySelector<HTMLElement>('[aria-invalid="true"]') ?? summary).focus();
}

/** A page-side check that found something to fix before sending. */
export const notSent = (errors: FieldError[]): ApiError =>
  new ApiError(400, { title: 'Not sent yet', errors });

/** The API's `warnings` of a successful write, next to their fields and listed in `into`. */
export function showWarnings(
  form: HTMLElement,
  into: HTMLElement,
  warnings: readonly Warning[] | undefined,
): void {
  if (!warnings || warnings.length === 0) return;
  const text = (w: Warning): string => {
    const suggestions = (w.suggestions ?? []).map((s) => (s.name ? `${s.name} (${s.id})` : s.id));
    return `${w.field ? `${w.field}: ` : ''}${w.message}${suggestions.length > 0 ? ` Did you mean ${suggestions.join(' or ')}?` : ''}`;
  };
  for (const warning of warnings) {
    const target = warning.field === undefined ? undefined : placeOf(form, warning.field);
    if (target) note(target, 'field-warning', text(warning));
  }
  into.append(
    h(
      'div',
      { class: 'warnings', role: 'note' },
      h('p', {}, 'Recorded, with warnings to check:'),
      h(
        'ul',
        {},
        warnings.map((w) => h('li', {}, text(w))),
      ),
    ),
  );
}
