/**
 * The aid-flows view of a location: trucks per day or week through its crossings, drawn with
 * Observable Plot (bundled into the page), with a table of the same figures beside the chart.
 * A period whose deliveries gave no truck count is drawn as "not reported", never as 0; a disputed
 * figure is marked and its claims are listed.
 */
import type * as PlotNamespace from '@observablehq/plot';
import { endOf, getJson, parsePartialDate, shortPartialDate, words } from './api.js';
import { h } from './dom.js';
import {
  DAY,
  type Flows,
  type FlowRow,
  isoDay,
  isTrucks,
  num,
  periodText,
  readFlows,
  trucksText,
} from './flows-data.js';
import { valueText } from './render.js';

/** Plot and d3 are fetched from Dateline when the view is first opened, not with the page. */
type PlotModule = typeof PlotNamespace;

/** Every period between the range's ends, so days with nothing recorded show as gaps. */
function periods(flows: Flows, from?: string, to?: string): string[] {
  const data = [...new Set(flows.rows.map((r) => r.period))].sort();
  const first = from ? parsePartialDate(from)?.firstDay : flows.rows.map((r) => r.firstDay).sort()[0];
  const last = to
    ? parsePartialDate(to)?.lastDay
    : flows.rows
        .map((r) => r.lastDay)
        .sort()
        .at(-1);
  if (first === undefined || last === undefined || flows.granularity === 'week') return data;
  const all: string[] = [];
  for (let ms = Date.parse(first); ms <= Date.parse(last) && all.length <= 186; ms += DAY)
    all.push(isoDay(ms));
  return all.length > 186 ? data : all;
}

/** The chart: reported trucks as bars, unreported periods outlined and labelled, disputes marked. */
export function chart(
  Plot: PlotModule,
  flows: Flows,
  width: number,
  from?: string,
  to?: string,
): SVGSVGElement | HTMLElement {
  const domain = periods(flows, from, to);
  const reported = flows.rows.filter((r) => r.trucks !== null);
  const unreported = flows.rows.filter((r) => r.trucks === null && r.deliveries > 0);
  const partial = reported.filter((r) => r.trucksUnreported > 0);
  const claims = flows.rows.flatMap((r) =>
    r.claims.filter(isTrucks).flatMap((c) => {
      const claimed = num(c.claimedValue);
      return claimed === null ? [] : [{ ...r, claimed, publisher: c.source?.publisher ?? 'a source' }];
    }),
  );
  const top = Math.max(1, ...reported.map((r) => r.trucks ?? 0), ...claims.map((c) => c.claimed));
  const placeholder = top * 0.12;
  const crossings = [...new Set(flows.rows.map((r) => r.crossing))];
  const label = (r: FlowRow): string => `${periodText(r)}, ${r.crossing}: ${trucksText(r)} trucks`;
  const tick = domain.length > 31 ? Math.ceil(domain.length / 15) : 1;
  return Plot.plot({
    width,
    height: 320,
    marginLeft: 48,
    marginBottom: 56,
    style: { fontSize: '13px', color: '#1a1a1a', background: 'transparent' },
    ariaLabel: `Trucks per ${flows.granularity} through ${flows.location}`,
    ariaDescription:
      'Bars are reported truck counts; dashed outlines mark periods whose deliveries gave no figure; diamonds mark disputed figures at the claimed value.',
    x: {
      type: 'band',
      domain,
      label: flows.granularity === 'week' ? 'ISO week' : 'day',
      tickRotate: -40,
      tickFormat: (d: string, i: number) =>
        i % tick === 0 ? (flows.granularity === 'week' ? d : d.slice(5)) : '',
      padding: 0.15,
    },
    y: { label: 'trucks', grid: true, nice: true, domain: [0, top * 1.15] },
    color:
      crossings.length > 1
        ? { legend: true, domain: crossings, scheme: 'tableau10' }
        : { domain: crossings, range: ['#0b4f8a'] },
    marks: [
      Plot.ruleY([0]),
      Plot.barY(
        reported,
        Plot.stackY({
          x: 'period',
          y: 'trucks',
          fill: 'crossing',
          title: label,
          ariaLabel: label,
          className: 'bars-reported',
        }),
      ),
      // A disputed period's whole column is outlined in red.
      Plot.barY(
        flows.rows.filter((r) => r.trucks !== null && r.claims.some(isTrucks)),
        Plot.groupX(
          { y: 'sum' },
          {
            x: 'period',
            y: 'trucks',
            fill: 'none',
            stroke: '#a4161a',
            strokeWidth: 3,
            className: 'bars-disputed',
          },
        ),
      ),
      Plot.barY(unreported, {
        x: 'period',
        y: () => placeholder,
        fill: '#ffffff',
        stroke: '#4a4a4a',
        strokeDasharray: '4,3',
        title: label,
        ariaLabel: label,
        className: 'bars-unreported',
      }),
      Plot.text(unreported, {
        x: 'period',
        y: () => placeholder,
        text: () => 'n/r',
        dy: -8,
        fill: '#4a4a4a',
        className: 'labels-unreported',
        ariaHidden: 'true',
      }),
      Plot.text(
        reported,
        Plot.groupX(
          { y: 'sum', text: 'sum' },
          {
            x: 'period',
            y: 'trucks',
            text: 'trucks',
            dy: -8,
            className: 'labels-reported',
            ariaHidden: 'true',
          },
        ),
      ),
      Plot.text(partial, {
        x: 'period',
        y: 'trucks',
        text: () => '+?',
        dy: -22,
        fill: '#4a4a4a',
        className: 'labels-partial',
        title: label,
      }),
      // A claim is a red rule across its column at the claimed value, with its number beside it.
      Plot.tickY(claims, {
        x: 'period',
        y: 'claimed',
        stroke: '#a4161a',
        strokeWidth: 3,
        strokeDasharray: '6,3',
        className: 'claim-rules',
        ariaHidden: 'true',
      }),
      Plot.dot(claims, {
        x: 'period',
        y: 'claimed',
        symbol: 'diamond',
        r: 7,
        fill: '#a4161a',
        stroke: '#ffffff',
        strokeWidth: 1.5,
        title: (c: FlowRow & { claimed: number; publisher: string }) =>
          `${periodText(c)}: ${c.publisher} says ${c.claimed} trucks (recorded ${c.trucks ?? 'none'})`,
        ariaLabel: (c: FlowRow & { claimed: number; publisher: string }) =>
          `disputed: ${c.publisher} says ${c.claimed} trucks`,
        className: 'claims',
      }),
      // Above the column, over its own figure: "disputed: 14". Short, so a publisher's long name
      // cannot run across the neighbouring columns; who says it is the label's title and in the table.
      Plot.text(claims, {
        x: 'period',
        y: (c: FlowRow & { claimed: number }) => Math.max(c.claimed, c.trucks ?? 0),
        text: (c: { claimed: number }) => `disputed: ${c.claimed}`,
        title: (c: FlowRow & { claimed: number; publisher: string }) =>
          `${periodText(c)}: ${c.publisher} says ${c.claimed} trucks (recorded ${c.trucks ?? 'none'})`,
        dy: -24,
        fill: '#a4161a',
        fontWeight: 'bold',
        className: 'labels-claims',
        ariaHidden: 'true',
      }),
    ],
  });
}

const NOT_REPORTED = (): HTMLElement => h('abbr', { title: 'not reported' }, 'n/r');

/** "76 wounded, 335 foreign nationals": the counts given; "n/r" when an evacuation gave none. */
function evacuatedText(row: FlowRow): string | HTMLElement {
  if (row.evacuations === 0) return '—';
  const given = Object.entries(row.evacuated).filter((entry): entry is [string, number] => entry[1] !== null);
  return given.length === 0 ? NOT_REPORTED() : given.map(([c, n]) => `${n} ${words(c)}`).join(', ');
}

function shortPeriod(row: FlowRow): string {
  return row.firstDay === row.lastDay
    ? shortPartialDate(row.firstDay)
    : `${shortPartialDate(row.firstDay)} – ${shortPartialDate(row.lastDay)}`;
}

/** The same figures as a table: what a reporter copies from. */
export function table(flows: Flows): HTMLElement {
  const oneCrossing = new Set(flows.rows.map((r) => r.crossing)).size <= 1;
  // Columns with nothing to say for any row stay out; a note below says so.
  const anyTonnes = flows.rows.some((r) => r.tonnes !== null);
  const anyOpenings = flows.rows.some((r) => r.openings > 0 || r.closures > 0);
  // Evacuations through a crossing are counted beside its trucks (PRODUCT.md, aid flows).
  const anyEvacuations = flows.rows.some((r) => r.evacuations > 0);
  // A disputed truck count is read with its claims, in the trucks column; other claims get their own.
  const otherClaims = (row: FlowRow): string =>
    row.claims
      .filter((c) => !isTrucks(c))
      .map(
        (c) =>
          `${words(c.field.replace(/^details\./, ''))}: ${c.source?.publisher ?? 'a source'} says ${valueText(c.claimedValue)}`,
      )
      .join('; ');
  const anyOtherClaims = flows.rows.some((r) => otherClaims(r) !== '');
  const trucksCell = (row: FlowRow): HTMLElement =>
    h(
      'td',
      { class: 'number trucks' },
      trucksText(row),
      ...row.claims
        .filter(isTrucks)
        .map((c) =>
          h(
            'span',
            { class: 'claim' },
            `disputed: ${c.source?.publisher ?? 'a source'} says ${valueText(c.claimedValue)}`,
          ),
        ),
    );
  const headings = [
    'Period',
    ...(oneCrossing ? [] : ['Crossing']),
    'Deliveries',
    'Trucks',
    ...(anyTonnes ? ['Tonnes'] : []),
    'Cargo',
    ...(anyOpenings ? ['Opened / closed'] : []),
    ...(anyEvacuations ? ['Evacuated'] : []),
    ...(anyOtherClaims ? ['Other disputes'] : []),
  ];
  const notes = [
    anyTonnes ? '' : 'No delivery in the range gave its tonnage.',
    anyOpenings ? '' : 'No opening or closure in the range.',
  ].filter((n) => n !== '');
  return h(
    'div',
    { class: 'flows-table-wrap' },
    h(
      'table',
      { class: 'flows-table' },
      h(
        'caption',
        {},
        `Trucks per ${flows.granularity} through ${flows.location}`,
        oneCrossing && flows.rows[0] && flows.rows[0].crossing !== flows.location
          ? ` (${flows.rows[0].crossing})`
          : '',
      ),
      h('thead', {}, h('tr', {}, ...headings.map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...flows.rows.map((row) =>
          h(
            'tr',
            {
              class: [
                row.trucks === null && row.deliveries > 0 ? 'unreported' : '',
                row.claims.length > 0 ? 'disputed' : '',
              ]
                .join(' ')
                .trim(),
              'data-period': row.period,
            },
            h('th', { scope: 'row', title: periodText(row) }, shortPeriod(row)),
            oneCrossing ? null : h('td', {}, row.crossing),
            h('td', { class: 'number' }, String(row.deliveries)),
            trucksCell(row),
            anyTonnes
              ? h(
                  'td',
                  { class: 'number' },
                  row.tonnes === null ? (row.deliveries === 0 ? '—' : NOT_REPORTED()) : String(row.tonnes),
                )
              : null,
            h(
              'td',
              {},
              Object.entries(row.cargo)
                .map(([c, n]) => `${words(c)} (${n})`)
                .join(', '),
            ),
            anyOpenings ? h('td', { class: 'number' }, `${row.openings} / ${row.closures}`) : null,
            anyEvacuations ? h('td', { class: 'evacuated' }, evacuatedText(row)) : null,
            anyOtherClaims ? h('td', { class: 'claims-cell' }, otherClaims(row)) : null,
          ),
        ),
      ),
    ),
    notes.length > 0 ? h('p', { class: 'hint' }, notes.join(' ')) : null,
  );
}

export async function showAidFlows(
  container: HTMLElement,
  locationId: string,
  options: { from?: string; to?: string; asOf?: string; reportedBy?: string; granularity: 'day' | 'week' },
): Promise<string> {
  const query = new URLSearchParams({ granularity: options.granularity });
  if (options.from) query.set('from', options.from);
  if (options.to) query.set('to', options.to);
  if (options.asOf) query.set('asOf', endOf(options.asOf));
  if (options.reportedBy) query.set('reportedBy', options.reportedBy);
  const answer = await getJson<unknown>(
    `/v1/locations/${encodeURIComponent(locationId)}/aid-flows?${query.toString()}`,
  );
  const flows = readFlows(answer.body);
  const Plot = await import('@observablehq/plot');
  const unreported = flows.rows.filter((r) => r.trucks === null && r.deliveries > 0).length;
  const disputed = flows.rows.filter((r) => r.claims.length > 0).length;
  const figure = h(
    'figure',
    { class: 'flows-chart' },
    h(
      'figcaption',
      { class: 'hint' },
      'Bars: trucks reported. Dashed “n/r”: deliveries with no truck count (not zero). Red diamond and rule: a disputed figure, at the claimed value. Gaps: nothing recorded.',
    ),
  );
  container.replaceChildren(
    flows.rows.length === 0
      ? h('p', { class: 'hint' }, 'No aid delivery, opening or closure dated to a day in this range.')
      : h('div', { class: 'flows' }, figure, table(flows)),
    flows.undated > 0
      ? h(
          'p',
          { class: 'hint undated' },
          `${flows.undated} ${flows.undated === 1 ? 'entry' : 'entries'} dated only to a month or a year, counted apart.`,
        )
      : '',
  );
  // Drawn at the width it gets on screen, so its text keeps its size.
  if (flows.rows.length > 0)
    figure.prepend(chart(Plot, flows, Math.max(360, figure.clientWidth - 20), options.from, options.to));
  const n = new Set(flows.rows.map((r) => r.period)).size;
  const unit = flows.granularity === 'week' ? 'week' : 'day';
  return `Aid flows over ${n} ${n === 1 ? unit : `${unit}s`}${unreported > 0 ? `, ${unreported} without a truck count` : ''}${disputed > 0 ? `, ${disputed} disputed` : ''}.`;
}
