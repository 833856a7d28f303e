import type { Bin } from '../types';
import { formatShare } from '../format';

export interface HoveredBin {
  feature: string;
  index: number;
  bin: Bin;
  /** Pointer position relative to the panel, for the tooltip. */
  x: number;
  y: number;
}

export interface MiniHistogramProps {
  feature: string;
  bins: Bin[];
  width: number;
  height: number;
  expectedColor: string;
  actualColor: string;
  hoverColor: string;
  hovered: number | null;
  onHover: (bin: HoveredBin | null) => void;
}

/**
 * Expected and actual shares of one feature on the same bins: each bin holds an expected bar
 * (left) and an actual bar (right) on one y scale. Each bin has a full-height hit area so thin bars
 * are easy to hover; `<title>` repeats the tooltip for screen readers.
 */
export function MiniHistogram({
  feature,
  bins,
  width,
  height,
  expectedColor,
  actualColor,
  hoverColor,
  hovered,
  onHover,
}: MiniHistogramProps) {
  if (bins.length === 0) return <span aria-label={`no histogram for ${feature}`}>–</span>;
  const top = Math.max(1e-9, ...bins.flatMap((b) => [b.expected ?? 0, b.actual ?? 0]));
  const slot = width / bins.length;
  const gap = slot > 4 ? Math.min(1, slot * 0.15) : 0;
  const bar = Math.max(0.5, (slot - gap) / 2);
  const h = (share: number | null) =>
    share === null ? 0 : Math.max(share > 0 ? 1 : 0, (share / top) * (height - 1));
  const position = (event: React.MouseEvent<SVGRectElement>, index: number) => {
    const panel =
      (event.currentTarget.ownerSVGElement?.closest('[data-feature-drift-panel]') as HTMLElement | null) ??
      null;
    const box = panel?.getBoundingClientRect();
    onHover({
      feature,
      index,
      bin: bins[index],
      x: event.clientX - (box?.left ?? 0),
      y: event.clientY - (box?.top ?? 0),
    });
  };
  return (
    <svg
      width={width}
      height={height}
      role="img"
      aria-label={`${feature}: expected vs actual histogram`}
      data-testid={`histogram-${feature}`}
      onMouseLeave={() => onHover(null)}
    >
      {bins.map((b, i) => {
        const x = i * slot;
        const he = h(b.expected);
        const ha = h(b.actual);
        return (
          <g key={i}>
            {hovered === i && <rect x={x} y={0} width={slot} height={height} fill={hoverColor} />}
            {b.top && (
              <rect
                data-testid={`top-bin-${feature}-${i}`}
                x={x + 0.5}
                y={0.5}
                width={slot - 1}
                height={height - 1}
                fill="none"
                stroke={actualColor}
                strokeDasharray="2 1"
              />
            )}
            <rect x={x + gap / 2} y={height - he} width={bar} height={he} fill={expectedColor} />
            <rect x={x + gap / 2 + bar} y={height - ha} width={bar} height={ha} fill={actualColor} />
            <rect
              data-testid={`bin-${feature}-${i}`}
              x={x}
              y={0}
              width={slot}
              height={height}
              fill="transparent"
              onMouseEnter={(e) => position(e, i)}
              onMouseMove={(e) => position(e, i)}
            >
              <title>{`${b.label}: expected ${formatShare(b.expected)}, actual ${formatShare(b.actual)}${b.top ? ' (moves most)' : ''}`}</title>
            </rect>
          </g>
        );
      })}
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} stroke={hoverColor} />
    </svg>
  );
}
