/**
 * A token's balance over time as a step chart, hand-drawn in SVG (no chart library): the balance
 * holds between the blocks where money moved, so the line steps. Drawn at the width it is given
 * (measured), so its labels stay readable on a phone; its axes are labelled in the reader's locale,
 * and it has an accessible name and a sentence saying what it shows, for those who do not see it.
 */
import { useEffect, useRef, useState } from "react";
import { formatDate } from "./format.js";

export interface ChartPoint {
  /** Unix seconds. */
  time: number;
  value: number;
}

const HEIGHT = 200;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 64 };

/** The width of the element `ref` points at, followed as it resizes. */
function useWidth(fallback: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth || fallback);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.round(entry.contentRect.width) || fallback);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [fallback]);
  return { ref, width };
}

/** A round upper bound for the axis: 1, 2, 2.5 or 5 times a power of ten, at least `max`. */
function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** The room one date label on the time axis needs, in pixels ("12/31/26, 12:59 PM" at the chart's font). */
const AXIS_LABEL_WIDTH = 130;

export function BalanceChart(props: {
  /** What the line is the balance of ("ETH", "USDz"): in the chart's name and its summary. */
  unit: string;
  /** The balance after each change, in time order; the last point is "now". */
  points: readonly ChartPoint[];
  /** A value as the reader reads it ("1,234.5 ETH"). */
  format: (value: number) => string;
  testId?: string;
}) {
  const { unit, points, format } = props;
  const { ref, width } = useWidth(600);
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return <p className="muted">No {unit} has moved yet.</p>;

  const plotWidth = Math.max(width - MARGIN.left - MARGIN.right, 40);
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const top = niceCeiling(Math.max(...points.map((point) => point.value)));
  const span = Math.max(last.time - first.time, 1);
  const x = (time: number) => MARGIN.left + ((time - first.time) / span) * plotWidth;
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  // A step line: across at the old balance, then up or down to the new one.
  const path = points
    .map((point, index) => {
      if (index === 0) return `M${x(point.time)},${y(point.value)}`;
      return `H${x(point.time)}V${y(point.value)}`;
    })
    .join("");
  const ticks = [0, top / 2, top];
  // Dates on the axis; times too when everything happened within two days.
  const short =
    span < 2 * 86_400
      ? ({ dateStyle: "short", timeStyle: "short" } as const)
      : ({ dateStyle: "medium" } as const);
  // As many date labels as fit side by side (a phone has room for two): labels never overlap.
  const labelsThatFit = Math.floor(plotWidth / AXIS_LABEL_WIDTH);
  const times =
    labelsThatFit >= 3 && span > 86_400
      ? [first.time, first.time + span / 2, last.time]
      : labelsThatFit >= 2
        ? [first.time, last.time]
        : [last.time];
  const highest = points.reduce((best, point) => (point.value > best.value ? point : best), first);
  const summary = `${unit}: ${format(last.value)} now; ${format(first.value)} on ${formatDate(first.time)}, highest ${format(highest.value)} on ${formatDate(highest.time)}.`;

  return (
    <figure className="tc-figure">
      <div ref={ref} className="tc-frame">
        <svg
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
          role="img"
          aria-label={`Balance of ${unit} over time`}
          data-testid={props.testId}
        >
          {ticks.map((tick) => (
            <g key={tick}>
              <line
                className="tc-grid"
                x1={MARGIN.left}
                x2={MARGIN.left + plotWidth}
                y1={y(tick)}
                y2={y(tick)}
              />
              <text className="tc-label" x={MARGIN.left - 6} y={y(tick) + 4} textAnchor="end">
                {new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 2 }).format(
                  tick,
                )}
              </text>
            </g>
          ))}
          {times.map((time, index) => (
            <text
              key={time}
              className="tc-label"
              x={x(time)}
              y={HEIGHT - 8}
              textAnchor={index === times.length - 1 ? "end" : index === 0 ? "start" : "middle"}
            >
              {formatDate(time, short)}
            </text>
          ))}
          <path className="tc-line" d={path} />
          {points.map((point, index) => (
            <circle
              key={index}
              className="tc-point"
              cx={x(point.time)}
              cy={y(point.value)}
              r={index === points.length - 1 ? 5 : 3.5}
            >
              <title>{`${formatDate(point.time)}: ${format(point.value)}`}</title>
            </circle>
          ))}
        </svg>
      </div>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}
