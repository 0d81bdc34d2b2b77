import { EXTRACTION, type KindExtraction, type TitleParts } from '../incidents/incident.extraction.js';
import {
  type ActorRole,
  type Details,
  INCIDENT_KINDS,
  type IncidentInput,
  type IncidentKind,
  kindSpec,
  LIMITS,
  type LocationRole,
  type Mention,
  type Occurred,
  type Source,
} from '../incidents/incident.js';
import { validateIncident } from '../incidents/incident.rules.js';
import type { FieldError } from '../common/errors.js';
import { nameKey } from '../registry/registry.decider.js';
import { type Cast, Clause, type Cue } from './clause.js';
import { type DateMention, isoDay, monthOf, readDates, referenceDay } from './dates.js';
import { type Entry, type NameMention, namesIn, type RegistryNames } from './names.js';
import { findAll, findOutside, readParagraphs, type Sentence, type Token } from './reading.js';

/** A sentence a draft rests on, as a span of the text. */
export interface Evidence {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Something an editor should check: a field the text did not fill, a name that only nearly matches. */
export interface DraftWarning {
  readonly field: string;
  readonly message: string;
  readonly suggestions?: readonly { readonly id: string; readonly name: string }[];
}

/** An incident body `POST /v1/incidents` accepts as it is, with what it rests on. */
export interface Draft extends IncidentInput {
  readonly evidence: readonly Evidence[];
  readonly confidence: number;
  readonly warnings: readonly DraftWarning[];
}

/**
 * A sentence that reads as an incident but names no one for a role the kind cannot be recorded
 * without ("a convoy of 17 trucks entered Gaza" with no provider): the editor completes it first.
 */
export interface IncompleteDraft extends Draft {
  readonly missing: readonly FieldError[];
}

export interface Drafted {
  readonly drafts: Draft[];
  readonly incomplete: IncompleteDraft[];
}

type Role = ActorRole | LocationRole;

interface Candidate {
  readonly kind: IncidentKind;
  readonly sentences: Sentence[];
  readonly cue: Cue;
  actors: Cast<ActorRole>[];
  locations: Cast<LocationRole>[];
  details: Record<string, unknown>;
  occurred: Occurred;
  /** How the date was found: `text` when the sentence names it. */
  dated: 'text' | 'inferred';
  warnings: DraftWarning[];
  /** Roles filled from an earlier sentence. */
  borrowed: number;
}

const MODALS = /^(would|could|may|might|will|should|must|shall|can|cannot|'d|wo)$/;
const NEGATIONS = /^(not|never|n't|no|failed|refused|without)$/;
const CALLS =
  /^(urge|urged|urges|urging|call|called|calls|calling|demand|demanded|demands|demanding|plan|plans|planned|hope|hopes|seek|seeks|sought|press|pressed|pushing|expected|aim|aims|want|wants|wanted|ask|asked|asks|propose|proposed|proposal|considering|threatened|threatens|pathway)$/;
const ENABLERS = /^(allowed|allowing|let|letting|began|begun|started|continued|managed|helped)$/;
const PRONOUN = /^(he|she|it|they|his|her|its|their)$/;
const DEFINITE_ROLE =
  /^(king|queen|agency|minister|envoy|president|ambassador|organisation|organization|group|secretary-general|spokesman|spokeswoman|military|army|government|ministry|council|body|office|chief|emir|diplomat)$/;
const WEAK_SPEECH = /^(say|said|says|saying|tell|told|tells|announce|announced|believes)$/;
const SPAN_WORD = /\b(\w+)-day (tour|trip|visit|truce|pause|ceasefire|mission)\b/i;
const DAY_MS = 86_400_000;

const CLAUSE_OPENING =
  '(after|since|before|following|until|once|unless|if) #Determiner? #Adjective? #Adjective? (#Noun|#Pronoun) #Noun? #Noun? #Adverb? #Verb';

/** Whether a subordinate clause ("after the United States vetoed…") holds the cue: background, not news. */
function subordinate(sentence: Sentence, cue: Cue): boolean {
  // "after stops in Israel" is a phrase; "after Israeli strikes hit…", "since the truce began" are clauses.
  return findAll(sentence, CLAUSE_OPENING).some(({ first }) => {
    if (first >= cue.first) return false;
    return !sentence.tokens.slice(first, cue.first).some((t) => /[,;]/.test(t.post));
  });
}

/** Whether the words before a cue (or within it) say that it did not, or not yet, happen. */
function blocked(sentence: Sentence, cue: Cue): boolean {
  const tokens = sentence.tokens;
  const before = (n: number): Token[] => tokens.slice(Math.max(0, cue.first - n), cue.first);
  const within = tokens.slice(cue.first, cue.last + 1);
  if ([...before(4), ...within].some((t) => MODALS.test(t.normal))) return true;
  if (before(3).some((t) => NEGATIONS.test(t.normal))) return true;
  if (before(6).some((t) => CALLS.test(t.normal))) return true;
  const enabled = before(6).some((t) => ENABLERS.test(t.normal));
  if (tokens[cue.first - 1]?.normal === 'to' || tokens[cue.first]?.normal === 'to') {
    if (!enabled) return true;
  }
  // "…to allow aid into Gaza", "…to get aid into Gaza": an aim, not a delivery.
  const infinitive = before(3).findIndex((t) => t.normal === 'to');
  if (infinitive >= 0 && before(3)[infinitive + 1]?.tags.has('Verb') === true) return true;
  return subordinate(sentence, cue);
}

/** A verb of saying that does not say anything here ("to say", "by advocating", "a demand", "was rejected"). */
function speechBlocked(sentence: Sentence, cue: Cue): boolean {
  const token = sentence.tokens[cue.first];
  if (!token?.tags.has('Verb')) return true;
  const previous = sentence.tokens[cue.first - 1]?.normal ?? '';
  if (/^(to|by|for|of|that|which)$/.test(previous)) return true;
  const copula = sentence.tokens
    .slice(Math.max(0, cue.first - 2), cue.first)
    .some((t) => /^(is|are|was|were|been|be|being)$/.test(t.normal));
  if (copula && token.tags.has('PastTense')) return true;
  if (token.tags.has('Gerund') && token.normal !== 'saying' && !/^(is|are|was|were|been)$/.test(previous))
    return true;
  return subordinate(sentence, cue);
}

const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const isIncomplete = (d: Draft | IncompleteDraft): d is IncompleteDraft => 'missing' in d;

/** Dates outside relative clauses (", who arrived on Friday,"): the time the sentence sets. */
function mainClause(sentence: Sentence, dates: readonly DateMention[]): DateMention[] {
  const spans: [number, number][] = [];
  sentence.tokens.forEach((t, i) => {
    if (!/^(who|which|where|whose)$/.test(t.normal) || !/,/.test(sentence.tokens[i - 1]?.post ?? '')) return;
    const close =
      sentence.tokens.slice(i).find((x) => /[,;]/.test(x.post)) ??
      sentence.tokens[sentence.tokens.length - 1];
    if (close) spans.push([t.start, close.end]);
  });
  return dates.filter((d) => !spans.some(([a, b]) => d.start >= a && d.end <= b));
}

const castKey = (c: Cast<Role>): string =>
  c.entry?.id ?? c.mention?.actor?.id ?? c.mention?.location?.id ?? nameKey(c.mention?.text ?? '');

const entityOf = (c: Cast<Role>, as: 'actor' | 'location'): string =>
  c.entry?.id ??
  (as === 'actor' ? c.mention?.actor?.id : c.mention?.location?.id) ??
  `~${nameKey(c.mention?.text ?? '')}`;

/** One cast per entity, a name from the text before one taken from context. */
function uniqueCasts<R extends Role>(casts: readonly Cast<R>[], as: 'actor' | 'location'): Cast<R>[] {
  const out: Cast<R>[] = [];
  for (const c of casts) {
    const at = out.findIndex((o) => entityOf(o, as) === entityOf(c, as));
    if (at < 0) out.push(c);
    else if (out[at]?.borrowed !== undefined && c.borrowed === undefined)
      out[at] = { ...c, role: out[at].role };
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether two sets of details can be one incident's: no figure or choice disagrees. */
function detailsAgree(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(b)) {
    const other = a[key];
    if (other === undefined || /^(quote|cargo|format|terms|channel|topics)$/.test(key)) continue;
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof other === 'object' &&
      other !== null &&
      !Array.isArray(value)
    ) {
      for (const [k, v] of Object.entries(value)) {
        const o = (other as Record<string, unknown>)[k];
        if (o !== undefined && o !== v) return false;
      }
      continue;
    }
    if (!sameValue(value, other)) return false;
  }
  return true;
}

function mergeDetails(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const other = out[key];
    if (other === undefined) out[key] = value;
    else if (Array.isArray(other) && Array.isArray(value)) {
      out[key] = [...new Set<unknown>([...(other as unknown[]), ...(value as unknown[])])];
    } else if (key === 'channel' && other === 'other') out[key] = value;
    else if (typeof other === 'object' && other !== null && typeof value === 'object' && value !== null) {
      out[key] = { ...value, ...other };
    }
  }
  return out;
}

const firstDay = (o: Occurred): string =>
  o.on.length === 10 ? o.on : o.on.length === 7 ? `${o.on}-01` : `${o.on}-01-01`;
const lastDay = (o: Occurred): string => o.until ?? o.on;

/**
 * Proposes draft incidents from a news text. Reads the registry, writes nothing: every name it
 * does not know stays a name, for the editor to keep (recording registers it) or change.
 */
export class Drafter {
  constructor(
    private readonly names: RegistryNames,
    private readonly today: () => Date = () => new Date(),
  ) {}

  async draft(text: string, source: Source): Promise<Drafted> {
    const warnings: DraftWarning[] = [];
    let reference = referenceDay(source.publishedOn);
    if (!reference) {
      const now = this.today();
      reference = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
      warnings.push({
        field: 'occurred.on',
        message: `the source gives no publishedOn: relative dates are read against today (${isoDay(reference)})`,
      });
    }
    // Reading is CPU work: it gives the event loop back every few sentences, so a long text does
    // not hold up the requests around it.
    const sentences: Sentence[] = [];
    for (const paragraph of readParagraphs(text)) {
      sentences.push(...paragraph);
      await pause();
    }
    const names: NameMention[][] = [];
    for (const s of sentences) {
      names.push(namesIn(text, s, this.names));
      if (s.index % 8 === 7) await pause();
    }
    this.lastNames = new Map(names.map((n, i) => [i, n]));
    this.allNames = names;
    // A name is not a date: "Zhai Jun" holds no June.
    const dates = sentences.map((s, i) =>
      readDates(s.text, s.start, reference).filter(
        (d) => !(names[i] ?? []).some((m) => d.start < m.end && m.start < d.end),
      ),
    );
    const candidates: Candidate[] = [];
    for (const [i, sentence] of sentences.entries()) {
      const here = this.readSentence(text, sentence, names[i] ?? [], dates, i, reference, sentences);
      candidates.push(...this.withoutWeakSpeech(sentence, here));
      if (i % 4 === 3) await pause();
    }
    const drafts: Draft[] = [];
    const incomplete: IncompleteDraft[] = [];
    for (const c of this.merge(candidates)) {
      this.fillFromContext(c, sentences, names);
      const draft = this.toDraft(text, c, source, warnings);
      if (draft && isIncomplete(draft)) incomplete.push(draft);
      else if (draft) drafts.push(draft);
    }
    const byPlace = (a: Draft, b: Draft): number => (a.evidence[0]?.start ?? 0) - (b.evidence[0]?.start ?? 0);
    return { drafts: drafts.sort(byPlace), incomplete: incomplete.sort(byPlace) };
  }

  private readSentence(
    text: string,
    sentence: Sentence,
    mentions: readonly NameMention[],
    dates: readonly DateMention[][],
    index: number,
    reference: Date,
    sentences: readonly Sentence[],
  ): Candidate[] {
    const out: Candidate[] = [];
    for (const kind of INCIDENT_KINDS) {
      const rule: KindExtraction = EXTRACTION[kind];
      if (rule.unless?.some((pattern) => findAll(sentence, pattern).length > 0)) continue;
      // "World Food Programme" holds no food: words of a name are not cues.
      const cues = rule.cues.flatMap((pattern) => findOutside(sentence, mentions, pattern));
      for (const cue of cues) {
        const stop = rule.reads === 'speech' ? speechBlocked(sentence, cue) : blocked(sentence, cue);
        if (stop) continue;
        const clause = new Clause(text, sentence, mentions, cue, reference.getUTCFullYear());
        const { occurred, dated, warning } = this.dateOf(
          kind,
          sentence,
          cue,
          dates,
          index,
          reference,
          sentences,
        );
        const base = {
          kind,
          sentences: [sentence],
          cue,
          actors: uniqueCasts(rule.actors(clause), 'actor'),
          locations: uniqueCasts(rule.locations(clause), 'location'),
          details: { ...rule.details(clause) },
          occurred,
          dated,
          warnings: warning ? [warning] : [],
          borrowed: 0,
        };
        for (const candidate of this.split(rule, base, sentence, sentences)) {
          this.theCrossing(candidate, sentence, sentences);
          if (this.pointsBack(sentence, cue)) this.fillFromContext(candidate, sentences, this.allNames);
          const same = out.find((o) => o.kind === kind && this.sameIncident(o, candidate));
          if (same) this.absorb(same, candidate);
          else out.push(candidate);
        }
      }
    }
    return out;
  }

  /**
   * A statement that only says "said" is the attribution of another report in the sentence: "The
   * WFP said 79 trucks crossed", "…crossed on Sunday, officials said". It stands when what was said
   * is no other report ("Zhai Jun, who arrived in Cairo, told the summit that…").
   */
  private withoutWeakSpeech(sentence: Sentence, candidates: Candidate[]): Candidate[] {
    const others = candidates.filter((c) => c.kind !== 'statement');
    const lastVerb = [...sentence.tokens].reverse().find((t) => t.tags.has('Verb'));
    return candidates.filter((c) => {
      if (c.kind !== 'statement') return true;
      const cue = sentence.tokens[c.cue.first];
      const weak = cue !== undefined && WEAK_SPEECH.test(cue.normal);
      const trailing = cue !== undefined && cue === lastVerb && others.length > 0;
      const reports = others.some((o) => o.cue.first > c.cue.first);
      if (weak && (trailing || reports)) return false;
      // Unnamed speakers ("officials said", "a source said") are where a report comes from, not news.
      return c.actors.length > 0 || this.pointsBack(sentence, c.cue);
    });
  }

  /**
   * Whether the subject of a cue points back to someone named earlier: "he said", "the king said
   * on Sunday", "On Sunday he made a visit". Only the words right before the cue count.
   */
  private pointsBack(sentence: Sentence, cue: Cue): boolean {
    let i = cue.first - 1;
    // Over adverbs, dates and a light verb with its object's article: "he made an unannounced visit".
    const skippable = (t: Token): boolean =>
      t.tags.has('Adverb') ||
      t.tags.has('Date') ||
      t.tags.has('Auxiliary') ||
      /^(on|also|later|then)$/.test(t.normal) ||
      ((i < cue.first - 1 || !t.tags.has('Noun')) &&
        (t.tags.has('Adjective') ||
          t.tags.has('Determiner') ||
          sentence.tokens[t.index - 1]?.tags.has('Determiner') === true ||
          /^(made|held|paid|had|gave|took|makes|holds|pays)$/.test(t.normal)));
    while (i >= 0 && skippable(sentence.tokens[i] as Token)) i--;
    const subject = sentence.tokens[i];
    if (!subject) return false;
    if (/^(he|she|they|it)$/.test(subject.normal)) return true;
    if (!DEFINITE_ROLE.test(subject.normal)) return false;
    // "the king", "The Israeli military": a determiner before the role, adjectives between.
    let k = i - 1;
    while (k >= 0 && (sentence.tokens[k] as Token).tags.has('Adjective')) k--;
    return /^(the|its|their|his|her)$/.test(sentence.tokens[k]?.normal ?? '');
  }

  /** One candidate per name in a splitting role (a closure of two crossings is two incidents). */
  private split(
    rule: KindExtraction,
    base: Candidate,
    sentence: Sentence,
    sentences: readonly Sentence[],
  ): Candidate[] {
    const key = rule.key;
    if (!key?.split || key.on !== 'locations') return [base];
    const keyed = base.locations.filter((l) => l.role === key.role);
    if (keyed.length === 0) {
      const earlier = this.anaphora(sentence, sentences, key.role);
      if (!earlier) return [];
      return [
        {
          ...base,
          locations: [{ mention: earlier, role: key.role as LocationRole }, ...base.locations],
          warnings: [
            ...base.warnings,
            {
              field: 'locations',
              message: `“${earlier.text}” is taken from an earlier sentence (“the crossing”)`,
            },
          ],
          borrowed: base.borrowed + 1,
        },
      ];
    }
    if (keyed.length === 1) return [base];
    // Each crossing takes the clause it is named in: the first the cue's, the others their own.
    return keyed.map((k) => ({
      ...base,
      locations: [k, ...base.locations.filter((l) => l.role !== key.role)],
    }));
  }

  /** "visited the Egyptian side of the crossing": the crossing named before, in the role the kind gives places. */
  private theCrossing(c: Candidate, sentence: Sentence, sentences: readonly Sentence[]): void {
    const roles = kindSpec(c.kind).locationRoles;
    const role = roles.includes('crossing') ? 'crossing' : roles.includes('visited') ? 'visited' : undefined;
    if (role === undefined) return;
    if (
      c.locations.some(
        (l) => l.mention?.location?.entryKind === 'crossing' || l.mention?.guess === 'crossing',
      )
    )
      return;
    const earlier = this.anaphora(sentence, sentences, 'crossing');
    if (!earlier) return;
    c.locations.push({ mention: earlier, role });
    c.warnings.push({
      field: 'locations',
      message: `“${earlier.text}” is taken from an earlier sentence (“the crossing”)`,
    });
  }

  /** "the crossing" in a sentence that names none: the last crossing named before it. */
  private anaphora(
    sentence: Sentence,
    sentences: readonly Sentence[],
    role: string,
  ): NameMention | undefined {
    if (role !== 'crossing' || !/\bthe (border )?(crossing|terminal)\b/i.test(sentence.text))
      return undefined;
    for (let i = sentence.index - 1; i >= 0; i--) {
      const found = this.lastNames
        .get(i)
        ?.filter((m) => m.location?.entryKind === 'crossing' || m.guess === 'crossing');
      const last = found?.[found.length - 1];
      if (last) return last;
    }
    return undefined;
  }

  /** The names of each sentence of the text being drafted, for "the crossing" in a later one. */
  private lastNames = new Map<number, readonly NameMention[]>();
  private allNames: readonly (readonly NameMention[])[] = [];

  private dateOf(
    kind: IncidentKind,
    sentence: Sentence,
    cue: Cue,
    dates: readonly DateMention[][],
    index: number,
    reference: Date,
    sentences: readonly Sentence[],
  ): { occurred: Occurred; dated: 'text' | 'inferred'; warning?: DraftWarning } {
    const [from, to] = new Clause('', sentence, [], cue, 0).clauseOf(cue.first);
    const clauseStart = sentence.tokens[from]?.start ?? sentence.start;
    const clauseEnd = sentence.tokens[to]?.end ?? sentence.end;
    const here = (dates[index] ?? []).filter((d) => d.start >= clauseStart && d.end <= clauseEnd);
    const cueAt = sentence.tokens[cue.first]?.start ?? sentence.start;
    const nearest = [...here].sort((a, b) => Math.abs(a.start - cueAt) - Math.abs(b.start - cueAt))[0];
    const published = isoDay(reference);
    if (nearest) {
      const occurred = this.spanned(kind, sentence, nearest.occurred, reference);
      const approximate = nearest.precision !== 'day' && nearest.precision !== 'span';
      const vague =
        nearest.precision === 'span' && !/^\d/.test(nearest.text) && !SPAN_WORD.test(sentence.text);
      return {
        occurred,
        dated: 'text',
        ...(approximate || vague
          ? {
              warning: {
                field: 'occurred',
                message: `“${nearest.text}” gives no day: ${occurred.until ? `${occurred.on} to ${occurred.until}` : occurred.on}`,
              },
            }
          : {}),
      };
    }
    // A day set earlier in the sentence goes on ("On Sunday, Hamas freed…, and Israel released…").
    const earlier = mainClause(sentence, dates[index] ?? []).filter(
      (d) => d.end <= cueAt && d.precision === 'day',
    );
    const carried = earlier[earlier.length - 1];
    if (carried) return { occurred: carried.occurred, dated: 'text' };
    const same = /\bthe same (day|evening|night|morning|afternoon)\b/i.exec(sentence.text);
    // The last day named before the sentence: news goes on in the time it last set.
    let previous: DateMention | undefined;
    for (let i = index - 1; i >= 0 && !previous; i--) {
      // The first: a sentence's main clause comes first, its "after…on Friday" later.
      const before = sentences[i];
      previous = before ? mainClause(before, dates[i] ?? []).find((d) => d.precision === 'day') : undefined;
    }
    if (same && previous) {
      return { occurred: previous.occurred, dated: 'text' };
    }
    const perfect = /\b(has|have) (already |now |since |also )?\w+ed\b|\balready\b/i.test(sentence.text);
    if (kindSpec(kind).span || perfect) {
      const month = monthOf(reference);
      return {
        occurred: { on: month },
        dated: 'inferred',
        warning: {
          field: 'occurred.on',
          message: `the sentence gives no date: ${month}, the month of the article`,
        },
      };
    }
    if (previous) {
      return {
        occurred: previous.occurred,
        dated: 'inferred',
        warning: {
          field: 'occurred.on',
          message: `the sentence gives no date: ${previous.occurred.on}, from “${previous.text}” before it`,
        },
      };
    }
    return {
      occurred: { on: published },
      dated: 'inferred',
      warning: {
        field: 'occurred.on',
        message: `the sentence gives no date: ${published}, the day of the article`,
      },
    };
  }

  /** "a four-day tour … wrapped up on Monday" spans the four days up to Monday. */
  private spanned(kind: IncidentKind, sentence: Sentence, occurred: Occurred, reference: Date): Occurred {
    if (!kindSpec(kind).span || occurred.on.length !== 10 || occurred.until !== undefined) return occurred;
    const days = this.spanDays(sentence);
    if (days === undefined || days < 2) return occurred;
    const day = Date.parse(`${occurred.on}T00:00:00Z`);
    if (/\b(wrapped up|wraps up|ended|ends|concluded|concludes|finished|completed)\b/i.test(sentence.text)) {
      return { on: isoDay(new Date(day - (days - 1) * DAY_MS)), until: occurred.on };
    }
    if (/\b(began|begins|started|starts|kicked off|set off|launched)\b/i.test(sentence.text)) {
      const until = new Date(day + (days - 1) * DAY_MS);
      return until <= reference ? { on: occurred.on, until: isoDay(until) } : occurred;
    }
    return occurred;
  }

  private spanDays(sentence: Sentence): number | undefined {
    const match = SPAN_WORD.exec(sentence.text);
    if (!match) return undefined;
    const at = sentence.start + match.index;
    const n = sentence.numbers.find((x) => x.start >= at && x.start <= at + (match[1]?.length ?? 0));
    return n?.value;
  }

  private keyNames(c: Candidate): string[] {
    const key = EXTRACTION[c.kind].key;
    if (!key) return [];
    const casts: Cast<Role>[] = key.on === 'actors' ? c.actors : c.locations;
    return casts.filter((x) => x.role === key.role).map(castKey);
  }

  /**
   * Whether a later candidate tells more of the same incident: the same sentence, the same tour,
   * or a nearby sentence about it ("The trucks carried…", "The draft received 12 votes…") that
   * names no other date and no other key actor.
   */
  private sameIncident(a: Candidate, b: Candidate): boolean {
    if (a.kind !== b.kind) return false;
    const lastA = a.sentences[a.sentences.length - 1]?.index ?? 0;
    const firstB = b.sentences[0]?.index ?? 0;
    const rule = EXTRACTION[a.kind];
    const ka = this.keyNames(a);
    const kb = this.keyNames(b);
    const keysAgree = ka.length === 0 || kb.length === 0 || ka.some((k) => kb.includes(k));
    if (!keysAgree || !detailsAgree(a.details, b.details)) return false;
    if (a.kind === 'envoy_tour') return ka.length > 0 && kb.length > 0 ? true : firstB - lastA <= 2;
    if (firstB === lastA) {
      if (rule.key) return true;
      const pa = a.actors.map(castKey);
      const pb = b.actors.map(castKey);
      return pa.length < 2 || pb.length < 2 || pa.some((k) => pb.includes(k));
    }
    if (firstB - lastA > 2) return false;
    const sameDay =
      sameValue(a.occurred, b.occurred) &&
      ((a.dated === 'text' && b.dated === 'text') || firstB - lastA === 1);
    const follows =
      b.dated === 'inferred' &&
      (this.refersBack(b) ||
        (rule.key !== undefined && ka.length > 0 && kb.length > 0) ||
        (rule.key !== undefined && kb.length === 0));
    return sameDay || follows;
  }

  /** "The trucks…", "The draft…", "It…": a sentence that goes on about something already named. */
  private refersBack(c: Candidate): boolean {
    const tokens = c.sentences[0]?.tokens ?? [];
    const start = tokens.findIndex((t) => !/^(but|and|however|meanwhile|then)$/.test(t.normal));
    const first = tokens[start];
    if (!first) return false;
    if (/^(it|they)$/.test(first.normal)) return true;
    if (!/^(the|this|these|that|those|its|their)$/.test(first.normal)) return false;
    // "The trucks…", "The draft…": the thing the kind is about, not any definite noun.
    const head = tokens.slice(start + 1, start + 4).find((t) => t.tags.has('Noun'));
    const things = EXTRACTION[c.kind].things;
    return head !== undefined && things !== undefined && (things.test(head.normal) || things.test(head.root));
  }

  private absorb(into: Candidate, from: Candidate): void {
    for (const s of from.sentences) if (!into.sentences.includes(s)) into.sentences.push(s);
    into.actors = uniqueCasts([...into.actors, ...from.actors], 'actor');
    into.locations = uniqueCasts([...into.locations, ...from.locations], 'location');
    const direct = (c: Candidate): boolean =>
      c.sentences.some((s) => s.quotes.some((q) => q.text === c.details.quote));
    const quoteFromLater = into.kind === 'statement' && !direct(into) && direct(from);
    into.details = mergeDetails(into.details, from.details);
    if (quoteFromLater) into.details.quote = from.details.quote;
    const days = (o: Occurred): boolean =>
      o.on.length === 10 && (o.until === undefined || o.until.length === 10);
    if (
      into.kind === 'envoy_tour' &&
      into.dated === 'text' &&
      from.dated === 'text' &&
      days(into.occurred) &&
      days(from.occurred)
    ) {
      // One tour told in several sentences spans all the days they name.
      const on = [firstDay(into.occurred), firstDay(from.occurred)].sort()[0] ?? into.occurred.on;
      const until = [lastDay(into.occurred), lastDay(from.occurred)].sort().reverse()[0] ?? on;
      into.occurred = until > on ? { on, until } : { on };
    } else if (into.dated === 'inferred' && from.dated === 'text') {
      into.occurred = from.occurred;
      into.dated = 'text';
      into.warnings = into.warnings.filter((w) => !w.field.startsWith('occurred'));
    }
    into.warnings.push(
      ...from.warnings.filter((w) => !w.field.startsWith('occurred') || into.dated === 'inferred'),
    );
    into.borrowed += from.borrowed;
  }

  private merge(candidates: readonly Candidate[]): Candidate[] {
    const out: Candidate[] = [];
    for (const c of candidates) {
      const same = [...out].reverse().find((o) => this.sameIncident(o, c));
      if (same) this.absorb(same, c);
      else out.push(c);
    }
    return out;
  }

  /** Fills a role the kind requires from earlier sentences: "he met Abbas" after "Blinken…". */
  private fillFromContext(
    c: Candidate,
    sentences: readonly Sentence[],
    names: readonly (readonly NameMention[])[],
  ): void {
    const rule = EXTRACTION[c.kind];
    const context = rule.fromContext;
    if (!context) return;
    const spec = kindSpec(c.kind);
    const missing = spec.requires.find(
      (r) => r.on === 'actors' && c.actors.filter((a) => r.roles.includes(a.role)).length < r.atLeast,
    );
    if (!missing) return;
    const first = c.sentences[0];
    if (!first) return;
    const speech = rule.reads === 'speech';
    if (speech && !this.pointsBack(first, c.cue)) return;
    const taken = new Set(c.actors.map(castKey));
    const pronoun = first.tokens
      .slice(Math.max(0, c.cue.first - 4), c.cue.first)
      .find((t) => PRONOUN.test(t.normal) || DEFINITE_ROLE.test(t.normal));
    const wantsPerson =
      pronoun !== undefined &&
      /^(he|she|his|her|king|queen|minister|envoy|president|ambassador|secretary-general|spokesman|spokeswoman|chief|emir|diplomat)$/.test(
        pronoun.normal,
      );
    const wantsOther =
      pronoun !== undefined &&
      /^(it|its|agency|organisation|organization|group|military|army|government|ministry|council|body|office)$/.test(
        pronoun.normal,
      );
    let needed = missing.atLeast - c.actors.filter((a) => missing.roles.includes(a.role)).length;
    const role = (missing.roles.includes(context.role) ? context.role : missing.roles[0]) as ActorRole;
    // A pronoun points to the last sentences; a missing party or provider may be named anywhere before.
    const reach = pronoun ? 4 : 2;
    for (let i = first.index; i >= 0 && i >= first.index - reach && needed > 0; i--) {
      const pool = (names[i] ?? []).filter(
        (m) => (i < first.index || m.first < c.cue.first) && !taken.has(castKey({ mention: m, role })),
      );
      const fitting = [...pool].reverse().filter((m) => {
        if (!context.fits(m)) return false;
        if (wantsPerson) return m.actor ? m.actor.entryKind === 'person' : m.guess === 'person';
        if (wantsOther) return m.actor ? m.actor.entryKind !== 'person' : m.guess !== 'person';
        return m.actor !== undefined || m.location === undefined;
      });
      for (const m of fitting) {
        if (needed === 0) break;
        // The sentence itself only counts for a pronoun ("he met Abbas": Abbas is not "he").
        if (i === first.index && !pronoun) continue;
        c.actors.push({
          mention: m,
          role,
          borrowed: `${role}: “${m.text}” is not named in the sentence; it is taken from ${i === first.index ? 'the same sentence' : 'an earlier sentence'}`,
        });
        taken.add(castKey({ mention: m, role }));
        c.borrowed++;
        needed--;
      }
    }
  }

  private mentionOf<R extends Role>(
    c: Cast<R>,
    as: 'actor' | 'location',
    field: string,
    warnings: DraftWarning[],
  ): Mention<R> | undefined {
    if (c.entry) return { id: c.entry.id, role: c.role };
    const m = c.mention;
    if (!m) return undefined;
    const entry: Entry | undefined = as === 'actor' ? m.actor : m.location;
    if (entry) return { id: entry.id, role: c.role };
    const name = m.text.trim().slice(0, LIMITS.name);
    if (nameKey(name) === '') return undefined;
    const near = as === 'actor' ? m.suggestions.actor : m.suggestions.location;
    if (near.length > 0) {
      warnings.push({
        field,
        message: `“${name}” is not registered; it nearly matches ${near.map((s) => `${s.name} (${s.id})`).join(', ')}`,
        suggestions: near.map((s) => ({ id: s.id, name: s.name })),
      });
    } else {
      warnings.push({
        field,
        message: `“${name}” is not in the registry: recording registers it as a provisional ${as}`,
      });
    }
    return { name, role: c.role };
  }

  private toDraft(
    text: string,
    c: Candidate,
    source: Source,
    shared: readonly DraftWarning[],
  ): Draft | IncompleteDraft | undefined {
    // A role taken from context needs checking, unless another sentence of the draft names it.
    const named = new Set(c.actors.filter((a) => a.borrowed === undefined).map(castKey));
    const borrowed = c.actors.flatMap((a) =>
      a.borrowed !== undefined && !named.has(castKey(a)) ? [{ field: 'actors', message: a.borrowed }] : [],
    );
    const warnings: DraftWarning[] = [...shared, ...c.warnings, ...borrowed].filter(
      (w, i, all) => all.findIndex((x) => x.field === w.field && x.message === w.message) === i,
    );
    const actors: Mention<ActorRole>[] = [];
    const seen = new Set<string>();
    for (const a of c.actors) {
      const mention = this.mentionOf(a, 'actor', `actors[${actors.length}]`, warnings);
      const key = mention ? `${mention.id ?? nameKey(mention.name ?? '')}:${mention.role}` : '';
      if (mention && !seen.has(key)) {
        seen.add(key);
        actors.push(mention);
      }
    }
    const locations: Mention<LocationRole>[] = [];
    const places = new Set<string>();
    for (const l of c.locations) {
      const mention = this.mentionOf(l, 'location', `locations[${locations.length}]`, warnings);
      const key = mention ? (mention.id ?? nameKey(mention.name ?? '')) : '';
      if (mention && !places.has(key)) {
        places.add(key);
        locations.push(mention);
      }
    }
    const details = this.checkedDetails(c, warnings);
    const names = (casts: readonly Cast<Role>[], role: Role): string[] =>
      casts
        .filter((x) => x.role === role)
        .map(
          (x) =>
            x.entry?.name ?? x.mention?.actor?.name ?? x.mention?.location?.name ?? x.mention?.text ?? '',
        )
        .filter((n) => n !== '' && !/^[a-z0-9-]+$/.test(n));
    const parts: TitleParts = {
      actors: (role) => names(c.actors, role),
      places: (role) => names(c.locations, role),
      details,
    };
    const evidence = c.sentences.map((s) => ({
      start: s.start,
      end: s.end,
      text: text.slice(s.start, s.end),
    }));
    const title = EXTRACTION[c.kind].title(parts).replace(/\s+/g, ' ').trim().slice(0, LIMITS.title);
    const body: IncidentInput = {
      kind: c.kind,
      occurred: c.occurred,
      title: title || kindSpec(c.kind).label,
      summary: evidence
        .map((e) => e.text)
        .join(' ')
        .slice(0, LIMITS.summary),
      actors,
      locations,
      details,
      sources: [source],
    };
    const errors = validateIncident(body);
    // Only a role nobody fills keeps a draft from recording; anything else is not a draft at all.
    if (errors.some((e) => e.field !== 'actors' && e.field !== 'locations')) return undefined;
    // A statement nobody made is no statement.
    if (errors.length > 0 && EXTRACTION[c.kind].reads === 'speech') return undefined;
    const penalty = Math.min(0.3, 0.05 * warnings.length) + (errors.length > 0 ? 0.2 : 0);
    const figures = Object.keys(details).some((k) => k !== 'channel' && k !== 'stage' && k !== 'format');
    const confidence =
      0.35 +
      (borrowed.length === 0 ? 0.25 : 0.1) +
      (c.dated === 'text' ? 0.15 : 0) +
      (figures ? 0.1 : 0) +
      (c.sentences.length > 1 ? 0.1 : 0) -
      penalty;
    const draft = {
      ...body,
      evidence,
      confidence: Math.round(Math.min(0.95, Math.max(0.05, confidence)) * 100) / 100,
      warnings,
    };
    return errors.length > 0 ? { ...draft, missing: errors } : draft;
  }

  /** Details that pass the kind's rules; a required choice the text did not give gets a default and a warning. */
  private checkedDetails(c: Candidate, warnings: DraftWarning[]): Details {
    const spec = kindSpec(c.kind);
    const details: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(c.details)) {
      if (!Object.hasOwn(spec.details, key)) continue;
      const probe: IncidentInput = {
        kind: c.kind,
        occurred: { on: '2000' },
        title: 't',
        actors: [],
        locations: [],
        details: { ...details, [key]: value },
        sources: [{ publisher: 'p' }],
      };
      if (
        validateIncident(probe).some(
          (e) =>
            e.field === `details.${key}` ||
            e.field.startsWith(`details.${key}.`) ||
            e.field.startsWith(`details.${key}[`),
        )
      ) {
        warnings.push({
          field: `details.${key}`,
          message: `left out: the text's value does not fit (${JSON.stringify(value)})`,
        });
        continue;
      }
      details[key] = value;
    }
    if (c.kind === 'aid_delivery' && details.channel === 'other') {
      warnings.push({
        field: 'details.channel',
        message: 'the text does not say through whom the aid went: check the channel',
      });
    }
    if (
      c.kind === 'statement' &&
      typeof details.quote === 'string' &&
      !c.sentences.some((s) => s.quotes.some((q) => q.text === details.quote))
    ) {
      warnings.push({
        field: 'details.quote',
        message: 'no direct quote: the words reported are given; check them against the source',
      });
    }
    for (const [key, field] of Object.entries(spec.details)) {
      if (field.required && details[key] === undefined) {
        warnings.push({
          field: `details.${key}`,
          message: `the text does not give ${field.label.toLowerCase()}`,
        });
      }
    }
    return details;
  }
}
