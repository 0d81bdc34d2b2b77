/**
 * `npm run eval:drafts`: drafts every text of the evaluation set through the real service
 * (`POST /v1/drafts` on an in-memory store with the demo registry and the evaluation registry)
 * and prints precision and recall per kind and per field. `--verbose` lists, per text, the
 * incidents missed and the drafts nobody expected.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import type { Draft } from '../src/drafts/drafter.js';
import { EVAL_DIR, type EvalRegistry, type EvalText, loadEvalRegistry, loadEvalSet } from './fixtures.js';
import {
  FIELDS,
  type Field,
  overall,
  precision,
  recall,
  type Scores,
  scoreText,
  type Tally,
  type TextResult,
} from './score.js';

const key = randomBytes(16).toString('hex');
export const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
export const evalKey = key;

export async function post(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function must(url: string, body: unknown): Promise<void> {
  const answer = await post(url, body);
  if (answer.status >= 300 && answer.status !== 409) {
    throw new Error(`${url}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

/** Registers the evaluation registry through the API, as a newsroom would have. */
export async function register(base: string, registry: EvalRegistry): Promise<void> {
  for (const a of registry.actors) await must(`${base}/v1/actors`, { id: a.id, name: a.name, kind: a.kind });
  for (const l of registry.locations) {
    await must(`${base}/v1/locations`, {
      id: l.id,
      name: l.name,
      kind: l.kind,
      ...(l.parentId ? { parent: l.parentId } : {}),
    });
  }
  for (const a of registry.actors) {
    for (const alias of a.aliases ?? []) await must(`${base}/v1/actors/${a.id}/aliases`, { alias });
    for (const other of a.affiliatedWith ?? [])
      await must(`${base}/v1/actors/${a.id}/affiliations`, { with: other });
  }
  for (const l of registry.locations) {
    for (const alias of l.aliases ?? []) await must(`${base}/v1/locations/${l.id}/aliases`, { alias });
  }
}

const pct = (x: number | null): string => (x === null ? '   –' : `${Math.round(x * 100)}%`.padStart(4));
const cell = (t: Tally): string => `${pct(precision(t))} ${pct(recall(t))}`;

function table(scores: Scores): string {
  const rows = Object.keys(scores).sort();
  const head = ['kind'.padEnd(17), ...FIELDS.map((f) => `${f} P/R`.padEnd(11)), 'n'].join(' ');
  const line = (name: string, t: Record<Field, Tally>): string =>
    [name.padEnd(17), ...FIELDS.map((f) => cell(t[f]).padEnd(11)), `${t.kind.expected}`].join(' ');
  return [head, ...rows.map((k) => line(k, scores[k]!)), line('all', overall(scores))].join('\n');
}

/** Drafts every text through the API and scores it. */
async function evaluate(
  base: string,
  texts: readonly EvalText[],
  verbose: boolean,
): Promise<{ scores: Scores; report: unknown[]; incomplete: number }> {
  const scores: Scores = {};
  const report: unknown[] = [];
  let incomplete = 0;
  for (const text of texts) {
    const answer = await post(`${base}/v1/drafts`, { text: text.text, source: text.source });
    if (answer.status !== 200) throw new Error(`${text.id}: ${answer.status} ${JSON.stringify(answer.body)}`);
    const drafts = answer.body.drafts as Draft[];
    incomplete += (answer.body.incomplete as Draft[]).length;
    const result = scoreText(drafts, text.expected, scores);
    report.push({ id: text.id, drafts, ...result });
    if (verbose && (result.missed.length > 0 || result.extra.length > 0)) printText(text, drafts, result);
  }
  return { scores, report, incomplete };
}

function printText(text: EvalText, drafts: readonly Draft[], result: TextResult): void {
  const places = (l: readonly { id?: string; name?: string }[]): string =>
    l.map((m) => m.id ?? m.name).join(',');
  console.log(`\n${text.id}`);
  for (const [i, j] of result.pairs) {
    const d = drafts[i]!;
    const e = text.expected[j]!;
    const date =
      JSON.stringify(d.occurred) === JSON.stringify(e.occurred)
        ? ''
        : ` (expected ${JSON.stringify(e.occurred)})`;
    console.log(
      `  ok    ${d.kind} ${JSON.stringify(d.occurred)}${date} ${places(d.locations)} ${JSON.stringify(d.details)}`,
    );
  }
  for (const j of result.missed) {
    const e = text.expected[j]!;
    console.log(
      `  MISS  ${e.kind} ${JSON.stringify(e.occurred)} ${places(e.locations)} ${JSON.stringify(e.details ?? {})}`,
    );
  }
  for (const i of result.extra) {
    const d = drafts[i]!;
    console.log(
      `  EXTRA ${d.kind} ${JSON.stringify(d.occurred)} ${places(d.actors)} “${d.evidence[0]?.text.slice(0, 90)}”`,
    );
  }
}

async function main(): Promise<void> {
  const verbose = process.argv.includes('--verbose');
  const config = loadConfig({
    DATELINE_EVENT_STORE: 'sqlite::memory:',
    DATELINE_READ_STORE: ':memory:',
    DATELINE_DEMO_DATA: 'true',
    DATELINE_API_KEYS: `admin:${key}`,
    DATELINE_DURABILITY: 'relaxed',
  });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${address.port}`;
  try {
    await register(base, loadEvalRegistry());
    const sets = [
      { name: 'development', dir: EVAL_DIR, about: 'written first; the rules were tuned on it' },
      { name: 'held-out', dir: join(EVAL_DIR, 'holdout'), about: 'written after the tuning, run as it came' },
    ];
    const results: Record<string, unknown> = {};
    for (const set of sets) {
      const texts = loadEvalSet(set.dir);
      const { scores, report, incomplete } = await evaluate(base, texts, verbose);
      const expected = texts.reduce((n, t) => n + t.expected.length, 0);
      console.log(
        `\n${set.name} set (${set.about}): ${texts.length} texts, ${expected} incidents an editor recorded; P = precision, R = recall\n`,
      );
      console.log(table(scores));
      console.log(`${incomplete} incomplete drafts (a required role unnamed) are not counted above.`);
      results[set.name] = { scores, overall: overall(scores), texts: report };
    }
    const out = join(process.cwd(), 'eval', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'drafts-latest.json'),
      JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2),
    );
  } finally {
    await app.close();
  }
}

if (process.argv[1]?.endsWith('drafts.js')) await main();
