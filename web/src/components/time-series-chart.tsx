import { type PointerEvent, useId, useMemo, useState } from 'react';

export interface ChartSeries {
  name: string;
  unit?: string;
  /** [epoch milliseconds, value], ascending. */
  points: Array<[number, number]>;
}

export interface ChartMarker {
  at: number;
  label: string;
  kind: 'onset' | 'change';
}

const width = 600;
const height = 180;
const margin = { top: 30, right: 12, bottom: 22, left: 52 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;
const palette = ['#0284c7', '#7c3aed', '#059669', '#db2777'];

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const full = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatValue(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  if (magnitude >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (magnitude >= 10_000) return `${(value / 1000).toFixed(0)}k`;
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 1) return value.toFixed(2).replace(/\.?0+$/, '');
  return value.toPrecision(2);
}

/** Three to five round values spanning [min, max]. */
function ticks(min: number, max: number, count = 4): number[] {
  if (min === max) return [min];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? rough;
  const values: number[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) values.push(value);
  return values;
}

const minute = 60_000;
const timeSteps = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((minutes) => minutes * minute);

/** Round clock times (every 5, 15, 30 minutes, …) across [from, to], about `count` of them. */
function timeTicks(from: number, to: number, count = 5): number[] {
  const step = timeSteps.find((candidate) => (to - from) / candidate <= count) ?? (timeSteps.at(-1) as number);
  const values: number[] = [];
  for (let value = Math.ceil(from / step) * step; value <= to; value += step) values.push(value);
  return values;
}

/** Label rows for markers, so labels of nearby markers do not overlap (two rows above the plot). */
function labelRows(markers: ChartMarker[], x: (time: number) => number): Map<ChartMarker, number> {
  const rows = new Map<ChartMarker, number>();
  const ends = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const marker of [...markers].sort((left, right) => left.at - right.at)) {
    const start = x(marker.at);
    const free = ends.findIndex((end) => start > end + 4);
    const chosen = free === -1 ? ((ends[0] ?? 0) <= (ends[1] ?? 0) ? 0 : 1) : free;
    rows.set(marker, chosen);
    ends[chosen] = start + 3 + markerText(marker).length * 5.4;
  }
  return rows;
}

function markerText(marker: ChartMarker): string {
  if (marker.kind === 'onset') return 'alert onset';
  return marker.label.length > 26 ? `${marker.label.slice(0, 25)}…` : marker.label;
}

/**
 * A small SVG line chart for metric evidence, with the alert onset and change events drawn as vertical lines so a
 * cause that precedes the symptom shows at a glance. Hand-rolled: a few hundred points need no charting library.
 * Screen readers get a one-sentence summary; pointer users get the nearest value under the cursor.
 */
export function TimeSeriesChart({
  title,
  series,
  markers = [],
}: {
  title: string;
  series: ChartSeries[];
  markers?: ChartMarker[];
}) {
  const clipId = useId();
  const [hover, setHover] = useState<number>();
  const drawn = series.filter((entry) => entry.points.length > 0);
  const scale = useMemo(() => {
    const times = drawn.flatMap((entry) => entry.points.map(([time]) => time));
    const values = drawn.flatMap((entry) => entry.points.map(([, value]) => value));
    const from = Math.min(...times);
    const to = Math.max(...times);
    const low = Math.min(0, ...values);
    const high = Math.max(...values);
    const yTicks = ticks(low, high === low ? low + 1 : high);
    const top = Math.max(high, yTicks[yTicks.length - 1] ?? high);
    const bottom = Math.min(low, yTicks[0] ?? low);
    const x = (time: number) => margin.left + (to === from ? plotWidth / 2 : ((time - from) / (to - from)) * plotWidth);
    const y = (value: number) =>
      margin.top + plotHeight - (top === bottom ? plotHeight / 2 : ((value - bottom) / (top - bottom)) * plotHeight);
    return { from, to, x, y, yTicks };
  }, [drawn]);

  if (drawn.length === 0) return <p className="muted text-sm">No data points.</p>;

  const { from, to, x, y, yTicks } = scale;
  const visibleMarkers = markers.filter((marker) => marker.at >= from && marker.at <= to);
  const xTicks = timeTicks(from, to);
  const rows = labelRows(visibleMarkers, x);
  const summary = [
    `${title}: ${drawn
      .map((entry) => {
        const values = entry.points.map(([, value]) => value);
        const peak = entry.points.reduce((best, point) => (point[1] > best[1] ? point : best));
        return `${entry.name} from ${formatValue(values[0] ?? 0)} to ${formatValue(values[values.length - 1] ?? 0)}${entry.unit ? ` ${entry.unit}` : ''}, peak ${formatValue(peak[1])} at ${clock.format(peak[0])}`;
      })
      .join('; ')}.`,
    ...visibleMarkers.map((marker) => `${marker.label} at ${clock.format(marker.at)}.`),
  ].join(' ');

  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const svgX = ((event.clientX - box.left) / box.width) * width;
    const time = from + ((svgX - margin.left) / plotWidth) * (to - from);
    setHover(Math.min(to, Math.max(from, time)));
  };
  const nearest = (entry: ChartSeries) =>
    hover === undefined
      ? undefined
      : entry.points.reduce((best, point) => (Math.abs(point[0] - hover) < Math.abs(best[0] - hover) ? point : best));
  const hoverPoint = drawn[0] ? nearest(drawn[0]) : undefined;

  return (
    <figure className="m-0" data-testid="metric-chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="h-auto w-full text-zinc-500 dark:text-zinc-400"
        role="img"
        aria-label={summary}
        onPointerMove={onPointerMove}
        onPointerLeave={() => setHover(undefined)}
      >
        <clipPath id={clipId}>
          <rect x={margin.left} y={margin.top - 2} width={plotWidth} height={plotHeight + 4} />
        </clipPath>
        {yTicks.map((value) => (
          <g key={value}>
            <line
              x1={margin.left}
              x2={width - margin.right}
              y1={y(value)}
              y2={y(value)}
              stroke="currentColor"
              strokeOpacity={0.18}
            />
            <text x={margin.left - 6} y={y(value) + 3} textAnchor="end" fontSize={10} fill="currentColor">
              {formatValue(value)}
            </text>
          </g>
        ))}
        {xTicks.map((time) => (
          <text key={time} x={x(time)} y={height - 6} textAnchor="middle" fontSize={10} fill="currentColor">
            {clock.format(time)}
          </text>
        ))}
        {visibleMarkers.map((marker) => (
          <g key={`${marker.kind}-${marker.at}-${marker.label}`} data-marker={marker.kind}>
            <line
              x1={x(marker.at)}
              x2={x(marker.at)}
              y1={margin.top - 26 + (rows.get(marker) ?? 0) * 12}
              y2={margin.top + plotHeight}
              stroke={marker.kind === 'onset' ? '#dc2626' : '#d97706'}
              strokeWidth={1.5}
              strokeDasharray={marker.kind === 'onset' ? undefined : '4 3'}
            >
              <title>{`${marker.label} (${full.format(marker.at)})`}</title>
            </line>
            <text
              x={x(marker.at) + 3}
              y={margin.top - 18 + (rows.get(marker) ?? 0) * 12}
              fontSize={10}
              fill={marker.kind === 'onset' ? '#dc2626' : '#b45309'}
            >
              {markerText(marker)}
            </text>
          </g>
        ))}
        <g clipPath={`url(#${clipId})`}>
          {drawn.map((entry, index) => (
            <polyline
              key={entry.name}
              fill="none"
              stroke={palette[index % palette.length]}
              strokeWidth={1.75}
              strokeLinejoin="round"
              points={entry.points.map(([time, value]) => `${x(time).toFixed(1)},${y(value).toFixed(1)}`).join(' ')}
            />
          ))}
        </g>
        {hoverPoint ? (
          <g pointerEvents="none">
            <line
              x1={x(hoverPoint[0])}
              x2={x(hoverPoint[0])}
              y1={margin.top}
              y2={margin.top + plotHeight}
              stroke="currentColor"
              strokeOpacity={0.5}
            />
            {drawn.map((entry, index) => {
              const point = nearest(entry);
              return point ? (
                <circle
                  key={entry.name}
                  cx={x(point[0])}
                  cy={y(point[1])}
                  r={3}
                  fill={palette[index % palette.length]}
                />
              ) : null;
            })}
          </g>
        ) : null}
      </svg>
      <figcaption className="flex flex-wrap items-center gap-x-3 text-xs">
        {drawn.map((entry, index) => {
          const point = nearest(entry);
          return (
            <span key={entry.name} className="flex items-center gap-1">
              <span
                aria-hidden
                className="inline-block h-0.5 w-3"
                style={{ backgroundColor: palette[index % palette.length] }}
              />
              <span className="font-mono">{entry.name}</span>
              {entry.unit ? <span className="muted">({entry.unit})</span> : null}
              {point ? (
                <span className="tabular-nums">
                  {formatValue(point[1])} at {clock.format(point[0])}
                </span>
              ) : null}
            </span>
          );
        })}
        {visibleMarkers.some((marker) => marker.kind === 'onset') ? (
          <span className="flex items-center gap-1">
            <span aria-hidden className="inline-block h-3 w-0.5 bg-red-600" /> alert onset
          </span>
        ) : null}
        {visibleMarkers.some((marker) => marker.kind === 'change') ? (
          <span className="flex items-center gap-1">
            <span aria-hidden className="inline-block h-3 w-0 border-l-2 border-dashed border-amber-600" /> change
          </span>
        ) : null}
      </figcaption>
    </figure>
  );
}
