import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { renderEntries, renderRecords } from '../../src/formats/render.js';
import { entry, page } from './entries.js';

/**
 * What a spreadsheet would run as a formula, stated independently of the code under test: Excel,
 * LibreOffice and Google Sheets trim leading blanks (and line breaks) and fold compatibility forms
 * (full-width `＝`, small `﹢`) before they look at the first character; a leading tab or CR is
 * itself an injection vector. An apostrophe first makes the cell text in all three.
 */
function readsAsFormula(cell: string): boolean {
  if (cell.startsWith("'")) return false;
  // A plain number (a negative longitude) is a number to every spreadsheet, not a formula.
  if (/^-?\d+(\.\d+)?$/.test(cell)) return false;
  if (/^[\t\r\n]/.test(cell)) return true;
  const first = cell.normalize('NFKC').replace(/^[\p{White_Space}\p{Cc}\p{Cf}\p{Z}]+/u, '');
  return /^[=+\-@\u2212]/.test(first);
}

/** Every text an entry carries, set to `text`: titles, names, sources, disputes, corrections. */
function hostileEntry(text: string) {
  return entry({
    title: text,
    summary: text,
    actors: [{ id: 'a-prankster', name: text, role: 'speaker' }],
    locations: [{ id: 'somewhere', name: text, role: 'site' }],
    sources: [{ publisher: text, title: text, publishedOn: '2023-10-22' }],
    kind: 'statement',
    details: { quote: text },
    disputes: [
      {
        field: 'details.quote',
        recordedValue: text,
        claimedValue: text,
        source: { publisher: text },
        note: text,
        recordedAt: '2023-10-23T00:00:00.000Z',
      },
    ],
    retracted: true,
    retraction: { reason: text, recordedAt: '2023-10-24T00:00:00.000Z' },
  });
}

function entryCells(text: string): string[] {
  const csv = renderEntries('csv', page([hostileEntry(text)]), new Map()).body;
  const rows: string[][] = parse(csv, { bom: true });
  expect(rows).toHaveLength(2);
  return rows[1]!;
}

function recordCells(text: string): string[] {
  const csv = renderRecords('csv', [
    {
      id: 'somewhere',
      name: text,
      kind: 'city',
      provisional: false,
      aliases: [text],
      parentId: null,
      coordinates: { lat: -33.5, lon: -70.25 },
      matched: text,
    },
  ]).body;
  const rows: string[][] = parse(csv, { bom: true });
  return rows[1]!;
}

const TRIGGERS = ['=', '+', '-', '@', '＝', '＋', '－', '＠', '﹦', '﹢', '﹣', '\u2212'];
const BLANKS = [' ', '\u00a0', '\u3000', '\u2003', '\u200b', '\ufeff', '\n', '\r', '\t', '\r\n', '\u2028'];

describe('CSV export: formula neutralisation', () => {
  it.each([
    ['a leading space', ' =1+1'],
    ['a leading line break', '\n=1+1'],
    ['a full-width equals sign', '＝1+1'],
    ['a full-width plus after an ideographic space', '\u3000＋1+1'],
    ['a no-break space then @', '\u00a0@SUM(A1:A9)'],
    ['a zero-width space then -', '\u200b-2+3'],
    ['a byte-order mark then =', '\ufeff=1+1'],
    ['a tab', '\tx'],
    ['a carriage return', '\rx'],
    ['a DDE payload', "=cmd|' /C calc'!A0"],
    ['a minus sign', '\u22122+3'],
  ])('defuses %s in every text column of entries and registry records', (_, text) => {
    const cells = [...entryCells(text), ...recordCells(text)];
    expect(cells.filter(readsAsFormula)).toEqual([]);
    // The text itself survives behind the apostrophe.
    expect(cells).toContain(`'${text}`);
  });

  it('defuses any run of blanks followed by any formula character, whatever follows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...BLANKS), { maxLength: 4 }),
        fc.constantFrom(...TRIGGERS),
        fc.string({ maxLength: 20 }),
        (blanks, trigger, tail) => {
          const text = `${blanks.join('')}${trigger}${tail}`;
          expect([...entryCells(text), ...recordCells(text)].filter(readsAsFormula)).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('leaves ordinary text, negative coordinates and numbers as they are', () => {
    const cells = entryCells('António Guterres said 14 trucks crossed');
    expect(cells).toContain('António Guterres said 14 trucks crossed');
    const record = recordCells('Santiago');
    expect(record).toContain('-33.5');
    expect(record).toContain('-70.25');
    expect(record).toContain('Santiago');
  });
});
