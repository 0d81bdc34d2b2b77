import type { FieldError } from './errors.js';

/**
 * What text may hold, checked once at the edge on every write body so that nothing downstream
 * (the log, CSV and iCalendar exports, terminals, XML readers, the page) meets a character that
 * breaks it.
 *
 * Refused everywhere: C0 controls other than tab, line feed and the carriage return of a CRLF;
 * DEL and the C1 controls (U+0085 is a line break to some readers, U+009B starts a terminal escape);
 * Unicode noncharacters (U+FDD0–U+FDEF and the last two code points of every plane, U+FFFE and
 * U+FFFF among them); lone surrogates, which are not text at all and which JSON readers reject.
 * Names, titles and every other short field are one line: no tab, line break or U+2028/U+2029.
 */

/** Keys whose strings are long text (paragraphs): they keep tabs and line breaks. */
const LONG_TEXT_KEYS: ReadonlySet<string> = new Set([
  'summary',
  'quote',
  'terms',
  'reason',
  'note',
  'claimedValue',
  'text',
]);

const planeNoncharacters = Array.from({ length: 16 }, (_, i) => {
  const plane = (i + 1).toString(16).toUpperCase();
  return `\\u{${plane}FFFE}\\u{${plane}FFFF}`;
}).join('');

/** Never allowed. In unicode mode a surrogate range matches only an unpaired surrogate. */
const FORBIDDEN = new RegExp(
  `[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F\\uFDD0-\\uFDEF\\uFFFE\\uFFFF${planeNoncharacters}\\uD800-\\uDFFF]|\\r(?!\\n)`,
  'u',
);

/** Breaks a line: refused in one-line text. */
const LINE_BREAK = /[\t\n\r\u2028\u2029]/;

function describe(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (char === '\r') return `${hex} (a carriage return not followed by a line feed)`;
  if (code >= 0xd800 && code <= 0xdfff) return `${hex} (a lone surrogate: not a character)`;
  if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return `${hex} (a control character)`;
  return `${hex} (a noncharacter)`;
}

/** Why a string cannot be stored, or undefined when it can. */
export function textProblem(text: string, multiline: boolean): string | undefined {
  const bad = FORBIDDEN.exec(text);
  if (bad) return `must not contain ${describe(bad[0])}`;
  if (!multiline && LINE_BREAK.test(text)) return 'must be one line: no line break or tab';
  return undefined;
}

const member = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/**
 * Every string in a parsed body (values and keys, at any depth) that breaks the rules, with its
 * field path as validation errors name it (`sources[0].publisher`, `[3].title` in a batch).
 * Iterative, so a deep body cannot overflow the stack here.
 */
export function textProblems(body: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: string; multiline: boolean }[] = [
    { value: body, path: '', multiline: false },
  ];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, path, multiline } = item;
    if (typeof value === 'string') {
      const message = textProblem(value, multiline);
      if (message) errors.push({ field: path === '' ? '(body)' : path, message });
    } else if (Array.isArray(value)) {
      // Pushed last first, so the walk meets fields in the order the body gives them.
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i] as unknown, path: `${path}[${i}]`, multiline });
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value).reverse()) {
        const keyProblem = textProblem(key, false);
        if (keyProblem) {
          errors.push({ field: path === '' ? '(body)' : path, message: `a property name ${keyProblem}` });
          continue;
        }
        stack.push({
          value: child,
          path: member(path, key),
          multiline: multiline || LONG_TEXT_KEYS.has(key),
        });
      }
    }
  }
  return errors;
}
