import nlp from 'compromise';

/**
 * A news text read once by compromise: paragraphs, sentences with their character spans, terms
 * with their tags and root forms, and numbers as values. Everything the drafts rest on points back
 * into the text by offsets, so an editor sees the sentence each draft came from.
 */

type View = ReturnType<typeof nlp>;

export interface Span {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface Token extends Span {
  /** Position in its sentence. */
  readonly index: number;
  readonly normal: string;
  /** The dictionary form (`offloaded` → `offload`), or the normal form. */
  readonly root: string;
  readonly tags: ReadonlySet<string>;
  /** Punctuation and space written after the term (`, `). */
  readonly post: string;
}

export interface NumberMention extends Span {
  readonly value: number;
  readonly first: number;
  readonly last: number;
}

export interface Sentence extends Span {
  readonly index: number;
  readonly paragraph: number;
  readonly tokens: readonly Token[];
  readonly numbers: readonly NumberMention[];
  /** Quoted words: “very serious”. */
  readonly quotes: readonly Span[];
  readonly view: View;
  /** Where the sentence's paragraph starts: compromise counts offsets from there. */
  readonly base: number;
}

interface TermJson {
  text: string;
  post?: string;
  normal?: string;
  root?: string;
  tags?: string[];
  offset: { start: number; length: number };
}

interface MatchJson {
  text: string;
  offset: { start: number; length: number };
  terms?: TermJson[];
}

interface NumberJson extends MatchJson {
  number: number | { num?: number } | undefined;
}

const ORDINAL =
  /\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\d+(st|nd|rd|th)|half|halves)\b/i;
const OPENING_MARKS = /[“"‘'(«[]/;
const QUOTE = /[“"]([^“”"]{2,400})[”"]/g;

/** Paragraphs are separated by blank lines; each keeps its offset in the whole text. */
function paragraphs(text: string): { start: number; text: string }[] {
  const out: { start: number; text: string }[] = [];
  const re = /\n[ \t]*\n+/g;
  let start = 0;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    out.push({ start, text: text.slice(start, match.index) });
    start = match.index + match[0].length;
  }
  out.push({ start, text: text.slice(start) });
  return out.filter((p) => p.text.trim() !== '');
}

function numberValue(n: NumberJson): number | undefined {
  const value = typeof n.number === 'number' ? n.number : n.number?.num;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The sentence's span, widened over an opening quote mark and trimmed of trailing space. */
function sentenceSpan(text: string, start: number, end: number): { start: number; end: number } {
  let s = start;
  while (s > 0 && OPENING_MARKS.test(text[s - 1] ?? '')) s--;
  let e = end;
  while (e > s && /\s/.test(text[e - 1] ?? '')) e--;
  // A closing quote mark right after the sentence belongs to it.
  while (e < text.length && /[”"’)»\]]/.test(text[e] ?? '')) e++;
  return { start: s, end: e };
}

/** Reads a text into sentences; offsets are indices into `text` (UTF-16 code units, as JavaScript counts). */
export function readText(text: string): Sentence[] {
  return [...readParagraphs(text)].flat();
}

/** The sentences of a text a paragraph at a time, so a caller can let other work run between. */
export function* readParagraphs(text: string): Generator<Sentence[]> {
  let index = 0;
  for (const [p, paragraph] of paragraphs(text).entries()) {
    const sentences: Sentence[] = [];
    const doc = nlp(paragraph.text);
    doc.compute('root');
    // The document's own json (one item a sentence) skips the sentence analysis (tense, clauses)
    // that `.sentences().json()` runs and nothing here needs.
    const json = doc.json({ offset: true, terms: { offset: true } }) as MatchJson[];
    json.forEach((s, i) => {
      const view = doc.eq(i) as View;
      const base = paragraph.start;
      const terms = s.terms ?? [];
      const first = terms[0];
      const last = terms[terms.length - 1];
      if (!first || !last) return;
      const span = sentenceSpan(
        text,
        base + first.offset.start,
        base + last.offset.start + last.offset.length + 1,
      );
      const tokens: Token[] = terms.map((t, index) => ({
        index,
        start: base + t.offset.start,
        end: base + t.offset.start + t.offset.length,
        text: t.text,
        normal: t.normal ?? t.text.toLowerCase(),
        root: t.root ?? t.normal ?? t.text.toLowerCase(),
        tags: new Set(t.tags ?? []),
        post: t.post ?? '',
      }));
      const numbers = (view.numbers().json({ offset: true }) as NumberJson[]).flatMap((n) => {
        const value = numberValue(n);
        // "a second convoy" counts nothing (compromise reads "a second" as one half).
        if (value === undefined || ORDINAL.test(n.text)) return [];
        const start = base + n.offset.start;
        const end = start + n.offset.length;
        const covered = tokens.filter((t) => t.end > start && t.start < end);
        const firstToken = covered[0];
        const lastToken = covered[covered.length - 1];
        if (!firstToken || !lastToken) return [];
        return [{ start, end, text: n.text, value, first: firstToken.index, last: lastToken.index }];
      });
      const sentenceText = text.slice(span.start, span.end);
      const quotes: Span[] = [];
      for (const q of sentenceText.matchAll(QUOTE)) {
        const inner = q[1] ?? '';
        const at = span.start + q.index + 1;
        quotes.push({ start: at, end: at + inner.length, text: inner.replace(/[,.]$/, '') });
      }
      sentences.push({
        index: index++,
        paragraph: p,
        ...span,
        text: sentenceText,
        tokens,
        numbers,
        quotes,
        view,
        base,
      });
    });
    yield sentences;
  }
}

const forms = new Map<string, string[]>();

/** A word's inflections as compromise conjugates them: meet → met, meets, meeting. */
function inflections(word: string): string[] {
  let out = forms.get(word);
  if (!out) {
    const conjugated = (nlp(word).verbs().conjugate() as Record<string, string>[])[0] ?? {};
    const verbForms = ['Infinitive', 'PastTense', 'PresentTense', 'Gerund', 'Participle'].flatMap((k) => {
      const form = conjugated[k];
      return form !== undefined && !form.includes(' ') ? [form] : [];
    });
    // Words compromise reads as adjectives ("free") conjugate as regular verbs.
    const stem = word.endsWith('e') ? word.slice(0, -1) : word;
    const regular = verbForms.length > 1 ? [] : [`${stem}ed`, `${stem}ing`];
    out = [...new Set([word, ...verbForms, ...regular, `${word}s`])];
    forms.set(word, out);
  }
  return out;
}

/**
 * compromise matches `{meet}` on root forms, but not inside an alternation (`({meet}|talks)`):
 * there the root is spelled out as its inflections, which match everywhere.
 */
export function expandRoots(pattern: string): string {
  let depth = 0;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === '{') {
      const close = pattern.indexOf('}', i);
      const word = pattern.slice(i + 1, close);
      const alone = /^[|(]$/.test(out.slice(-1)) && /^[|)]/.test(pattern.slice(close + 1));
      if (depth > 0 && /^[a-z]+$/.test(word) && alone) {
        out += inflections(word).join('|');
        i = close;
        continue;
      }
    }
    out += ch ?? '';
  }
  return out;
}

const compiled = new Map<string, ReturnType<typeof nlp.parseMatch>>();

/** A pattern parsed once: compromise otherwise parses the match string on every call. */
function parsed(pattern: string): ReturnType<typeof nlp.parseMatch> {
  let regs = compiled.get(pattern);
  if (!regs) {
    regs = nlp.parseMatch(expandRoots(pattern));
    compiled.set(pattern, regs);
  }
  return regs;
}

/** Where a compromise match pattern matches the sentence, as token ranges. */
export function findAll(sentence: Sentence, pattern: string): { first: number; last: number }[] {
  const found = sentence.view.match(parsed(pattern)).json({ offset: true }) as MatchJson[];
  return found.flatMap((m) => {
    const start = sentence.base + m.offset.start;
    const end = start + m.offset.length;
    const covered = sentence.tokens.filter((t) => t.start >= start && t.end <= end);
    const first = covered[0];
    const last = covered[covered.length - 1];
    return first && last ? [{ first: first.index, last: last.index }] : [];
  });
}

const masked = new WeakMap<Sentence, View>();

/**
 * Where a pattern matches outside names: the sentence read again with every name blanked out, so
 * "World Food Programme said 79 trucks crossed" finds "trucks … crossed", not "Food". compromise
 * returns matches that do not overlap, so a name's words would otherwise hide the real cue.
 */
export function findOutside(
  sentence: Sentence,
  names: readonly { start: number; end: number }[],
  pattern: string,
): { first: number; last: number }[] {
  const plain = findAll(sentence, pattern);
  const inName = (i: number): boolean =>
    names.some((n) => {
      const t = sentence.tokens[i];
      return t !== undefined && t.start >= n.start && t.start < n.end;
    });
  if (!plain.some((m) => inName(m.first))) return plain;
  let view = masked.get(sentence);
  if (!view) {
    let text = sentence.text;
    for (const n of names) {
      const a = n.start - sentence.start;
      const b = n.end - sentence.start;
      if (a < 0 || b > text.length) continue;
      // Same length, so offsets still point into the text; a name stays a proper noun.
      text = text.slice(0, a) + text.slice(a, b).replace(/[^\s]/g, 'X') + text.slice(b);
    }
    view = nlp(text);
    view.compute('root');
    masked.set(sentence, view);
  }
  const found = view.match(parsed(pattern)).json({ offset: true }) as MatchJson[];
  return found.flatMap((m) => {
    const start = sentence.start + m.offset.start;
    const end = start + m.offset.length;
    const covered = sentence.tokens.filter((t) => t.start >= start && t.end <= end);
    const first = covered[0];
    const last = covered[covered.length - 1];
    return first && last ? [{ first: first.index, last: last.index }] : [];
  });
}

/** The text of tokens `first..last` as written. */
export function tokenText(text: string, sentence: Sentence, first: number, last: number): string {
  const a = sentence.tokens[first];
  const b = sentence.tokens[last];
  return a && b ? text.slice(a.start, b.end) : '';
}
