import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ActorRole, IncidentKind, LocationRole, Occurred, Source } from '../src/incidents/incident.js';

/**
 * The evaluation set of the drafts: news texts written from public reporting of October to
 * December 2023, each with the incidents an editor would record from it.
 */

export interface ExpectedMention<Role extends string> {
  readonly id?: string;
  readonly name?: string;
  readonly role: Role;
}

export interface ExpectedIncident {
  readonly kind: IncidentKind;
  readonly occurred: Occurred;
  readonly actors: readonly ExpectedMention<ActorRole>[];
  readonly locations: readonly ExpectedMention<LocationRole>[];
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface EvalText {
  readonly id: string;
  readonly source: Source;
  readonly text: string;
  readonly expected: readonly ExpectedIncident[];
}

export interface EvalRegistry {
  readonly actors: readonly {
    id: string;
    name: string;
    kind: string;
    aliases?: string[];
    affiliatedWith?: string[];
  }[];
  readonly locations: readonly {
    id: string;
    name: string;
    kind: string;
    parentId?: string;
    aliases?: string[];
  }[];
}

export const EVAL_DIR = resolve(process.cwd(), 'test/fixtures/drafts');

interface FixtureFile {
  source: Source;
  textFile?: string;
  paragraphs?: string[];
  expected: ExpectedIncident[];
}

/** One text of the set by its id (file name without `.json`). */
export function loadEvalText(id: string, dir = EVAL_DIR): EvalText {
  const file = JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as FixtureFile;
  const text =
    file.textFile !== undefined
      ? readFileSync(join(dir, file.textFile), 'utf8')
      : (file.paragraphs ?? []).join('\n\n');
  return { id, source: file.source, text, expected: file.expected };
}

/** Every text of the set, in file-name order. */
export function loadEvalSet(dir = EVAL_DIR): EvalText[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'registry.json')
    .sort()
    .map((f) => loadEvalText(f.replace(/\.json$/, ''), dir));
}

export function loadEvalRegistry(dir = EVAL_DIR): EvalRegistry {
  return JSON.parse(readFileSync(join(dir, 'registry.json'), 'utf8')) as EvalRegistry;
}
