import { type FieldWarning, NearMissError } from '../common/errors.js';
import type { UnconfirmedMention } from './mentions.js';
import type { NearName } from './near-names.js';

/**
 * A mention by name that names no confirmed entry but nearly matches one ("Antony Blinkn" when
 * "Antony Blinken" is registered): recorded as a provisional entry, with a warning, unless the
 * client asked for strictness, which refuses the write instead (docs/decisions/0011-names-that-forgive.md).
 */
export interface NearMiss {
  readonly mention: UnconfirmedMention;
  /** The provisional entry was known before (from earlier mentions); else this write makes it. */
  readonly known: boolean;
  readonly near: readonly NearName[];
}

/** The request option that turns near misses into a refusal (RFC 7240). */
export const STRICT_PREFERENCE = 'handling=strict';

const quoted = (text: string): string => `'${text}'`;

const named = (near: readonly NearName[]): string => near.map((n) => `${n.name} (${n.id})`).join(' or ');

const suggestions = (near: readonly NearName[]): FieldWarning['suggestions'] =>
  near.map(({ id, name }) => ({ id, name }));

/** What a write that went through says about a near miss: the answer's `warnings`. */
export function nearMissWarning({ mention, known, near }: NearMiss): FieldWarning {
  const recorded = known
    ? `names the provisional ${mention.kind} ${mention.id}, known only from earlier mentions`
    : `names no registered ${mention.kind}: recorded as the new provisional ${mention.kind} ${mention.id}`;
  return {
    field: `${mention.field}.name`,
    // The suggestions carry the near matches; a reader shows them ("Did you mean …?").
    message: `${quoted(mention.name)} ${recorded}, though it nearly matches a registered ${mention.kind}`,
    suggestions: suggestions(near),
  };
}

/** The refusal of a strict write whose mentions only nearly match: every near miss, what it may mean. */
export function nearMissRefusal(misses: readonly NearMiss[]): NearMissError {
  return new NearMissError(
    misses.map(({ mention, known, near }) => ({
      field: `${mention.field}.name`,
      message:
        `${quoted(mention.name)} ${known ? `names only the provisional ${mention.kind} ${mention.id}` : `names no registered ${mention.kind}`}` +
        ` but nearly matches ${named(near)}: name the ${mention.kind} by id, or send the request without` +
        ` Prefer: ${STRICT_PREFERENCE} to record ${known ? 'the' : 'a new'} provisional ${mention.kind}`,
      suggestions: suggestions(near),
    })),
  );
}
