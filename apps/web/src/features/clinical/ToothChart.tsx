// biome-ignore-all lint/a11y/noAriaHiddenOnFocusable: the chart's lines, rings and marks are SVG shapes, never focusable; aria-hidden keeps the decoration unread.
import type { ChartFinding } from '@dentalpro/contracts';
import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PERMANENT_ROWS, PRIMARY_ROWS, type StoredSurface, isUpper, mesialOnRight, surfaceNameKey } from './fdi';

export interface ToothSelection {
  tooth: number;
  surfaces: StoredSurface[];
}

interface ToothChartProps {
  findings: ChartFinding[];
  primary: boolean;
  selection: ToothSelection | null;
  /** Toggle one surface (or pick the whole tooth with surface null). */
  onSelect: (tooth: number, surface: StoredSurface | null) => void;
  /** Read-only: surfaces are not focusable buttons. */
  readOnly?: boolean;
}

/** Surface findings, most urgent first: the colour of a surface is the first that covers it. */
const SURFACE_PRIORITY = ['caries', 'fractured', 'restoration', 'sealant', 'watch'] as const;
const WHOLE_TOOTH_MARKS: Partial<Record<ChartFinding['kind'], string>> = {
  implant: 'IMP',
  root_canal_treated: 'RCT',
  bridge: 'BR',
};

const CELL = 54;
const BOX = 46;
const MIDLINE_GAP = 14;
const PAD = (CELL - BOX) / 2;
const TOP = 24;
const INSET = 15;

/** The five regions of a tooth box, in tooth-box coordinates: top, bottom, left, right trapezoids around a centre square. */
function regions(size: number, inset: number) {
  const a = inset;
  const b = size - inset;
  return {
    top: `M0 0 H${size} L${b} ${a} H${a} Z`,
    bottom: `M${a} ${b} H${b} L${size} ${size} H0 Z`,
    left: `M0 0 L${a} ${a} V${b} L0 ${size} Z`,
    right: `M${size} 0 V${size} L${b} ${b} V${a} Z`,
    centre: `M${a} ${a} H${b} V${b} H${a} Z`,
  };
}

/** Where each stored surface is drawn: buccal faces out of the arch (top for upper teeth), mesial faces the midline. */
function regionOf(tooth: number, surface: StoredSurface): keyof ReturnType<typeof regions> {
  if (surface === 'O' || surface === 'I') return 'centre';
  if (surface === 'B') return isUpper(tooth) ? 'top' : 'bottom';
  if (surface === 'L') return isUpper(tooth) ? 'bottom' : 'top';
  const mesialRight = mesialOnRight(tooth);
  if (surface === 'M') return mesialRight ? 'right' : 'left';
  return mesialRight ? 'left' : 'right';
}

function activate(event: KeyboardEvent, action: () => void) {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    action();
  }
}

/** An FDI chart in four quadrant blocks that wrap on narrow screens (tablet portrait). */
export function ToothChart({ findings, primary, selection, onSelect, readOnly = false }: ToothChartProps) {
  const { t } = useTranslation();
  const rows = primary ? PRIMARY_ROWS : PERMANENT_ROWS;
  const half = rows.upper.length / 2;
  const arches = [
    { key: 'upper', teeth: rows.upper, sides: ['upperRight', 'upperLeft'] },
    { key: 'lower', teeth: rows.lower, sides: ['lowerRight', 'lowerLeft'] },
  ] as const;
  const byTooth = new Map<number, ChartFinding[]>();
  for (const f of findings) byTooth.set(f.tooth, [...(byTooth.get(f.tooth) ?? []), f]);
  const paths = regions(BOX, INSET);
  const width = rows.upper.length * CELL + MIDLINE_GAP;
  const height = TOP + BOX + TOP + 6;

  return (
    // biome-ignore lint/a11y/useSemanticElements: a labelled group of controls; a fieldset would bring its own border, padding, min-width and legend rules.
    <div className="tooth-chart" role="group" aria-label={t('clinical.chart.title')}>
      {arches.map((arch) => (
        <figure key={arch.key} className={`tooth-arch tooth-arch-${arch.key}`}>
          <figcaption className="tooth-arch-sides muted small">
            <span>{t(`clinical.chart.${arch.sides[0]}`)}</span>
            <span>{t(`clinical.chart.${arch.sides[1]}`)}</span>
          </figcaption>
          {/* Scales with the screen: the full arch stays on one row, as dentists read it. */}
          {/* biome-ignore lint/a11y/noSvgWithoutTitle: the figcaption and each tooth's own label name it; a title would show a tooltip over the whole arch. */}
          <svg
            viewBox={`-2 -2 ${width + 4} ${height + 4}`}
            className="tooth-svg"
            style={{ maxWidth: `${(width + 4) * 1.25}px` }}
          >
            <line x1={width / 2} y1={0} x2={width / 2} y2={height} className="tooth-midline" aria-hidden="true" />
            {arch.teeth.map((tooth, index) => {
              const toothFindings = byTooth.get(tooth) ?? [];
              const kinds = new Set(toothFindings.map((f) => f.kind));
              const gone = kinds.has('missing') || kinds.has('extracted');
              const crowned = kinds.has('crown') || kinds.has('bridge');
              const watched = toothFindings.some((f) => f.kind === 'watch' && f.surfaces.length === 0);
              const selected = selection?.tooth === tooth;
              const surfaceKind = (surface: StoredSurface) =>
                SURFACE_PRIORITY.find((kind) =>
                  toothFindings.some((f) => f.kind === kind && f.surfaces.includes(surface)),
                );
              const marks = toothFindings.map((f) => WHOLE_TOOTH_MARKS[f.kind]).filter(Boolean);
              const x = index * CELL + (index >= half ? MIDLINE_GAP : 0);
              const upper = arch.key === 'upper';
              // Numbers sit outside the arch (above the upper teeth, below the lower ones); marks by the roots' side.
              const numberY = upper ? 0 : TOP + BOX + 6;
              const markY = upper ? TOP + BOX + 18 : TOP - 6;
              const wholeLabel = [
                t('clinical.chart.toothLabel', { tooth }),
                t('clinical.chart.wholeTooth'),
                ...[
                  ...new Set(
                    toothFindings.filter((f) => f.surfaces.length === 0).map((f) => t(`clinical.kind.${f.kind}`)),
                  ),
                ],
              ].join(', ');
              return (
                <g
                  key={tooth}
                  transform={`translate(${x} 0)`}
                  className={`tooth${selected ? ' tooth-selected' : ''}${gone ? ' tooth-gone' : ''}`}
                  data-tooth={tooth}
                >
                  {/* biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useAriaPropsSupportedByRole: the role is set with the handlers (button when editable); Biome cannot follow a role chosen at run time. */}
                  <g
                    className="tooth-number"
                    role={readOnly ? undefined : 'button'}
                    tabIndex={readOnly ? undefined : 0}
                    aria-label={wholeLabel}
                    aria-pressed={readOnly ? undefined : selected && selection.surfaces.length === 0}
                    onClick={readOnly ? undefined : () => onSelect(tooth, null)}
                    onKeyDown={readOnly ? undefined : (e) => activate(e, () => onSelect(tooth, null))}
                  >
                    <rect x={PAD} y={numberY} width={BOX} height={TOP - 2} rx={4} className="tooth-number-bg" />
                    <text x={CELL / 2} y={numberY + TOP - 7} textAnchor="middle">
                      {tooth}
                    </text>
                  </g>
                  <g transform={`translate(${PAD} ${TOP})`}>
                    {(['B', 'L', 'M', 'D', tooth % 10 <= 3 ? 'I' : 'O'] as StoredSurface[]).map((surface) => {
                      const kind = surfaceKind(surface);
                      const on = selected && selection.surfaces.includes(surface);
                      const label = `${t('clinical.chart.surfaceLabel', { tooth, surface: t(surfaceNameKey(tooth, surface)) })}${kind ? `: ${t(`clinical.kind.${kind}`)}` : ''}`;
                      return (
                        // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useAriaPropsSupportedByRole: the role is set with the handlers (checkbox when editable); Biome cannot follow a role chosen at run time.
                        <path
                          key={surface}
                          d={paths[regionOf(tooth, surface)]}
                          className={`tooth-surface${kind ? ` finding-${kind}` : ''}${crowned && !kind ? ' finding-crown' : ''}${on ? ' surface-selected' : ''}`}
                          role={readOnly ? 'img' : 'checkbox'}
                          aria-checked={readOnly ? undefined : on}
                          aria-label={label}
                          tabIndex={readOnly ? undefined : 0}
                          onClick={readOnly ? undefined : () => onSelect(tooth, surface)}
                          onKeyDown={readOnly ? undefined : (e) => activate(e, () => onSelect(tooth, surface))}
                        >
                          <title>{label}</title>
                        </path>
                      );
                    })}
                    {crowned && (
                      <rect
                        x={-2}
                        y={-2}
                        width={BOX + 4}
                        height={BOX + 4}
                        rx={6}
                        className="tooth-crown-ring"
                        aria-hidden="true"
                      />
                    )}
                    {watched && (
                      <rect
                        x={-2}
                        y={-2}
                        width={BOX + 4}
                        height={BOX + 4}
                        rx={6}
                        className="tooth-watch-ring"
                        aria-hidden="true"
                      />
                    )}
                    {gone && (
                      <g className="tooth-cross" aria-hidden="true">
                        <line x1={-3} y1={-3} x2={BOX + 3} y2={BOX + 3} />
                        <line x1={BOX + 3} y1={-3} x2={-3} y2={BOX + 3} />
                      </g>
                    )}
                  </g>
                  {marks.length > 0 && (
                    <text x={CELL / 2} y={markY} textAnchor="middle" className="tooth-mark" aria-hidden="true">
                      {marks.join(' ')}
                    </text>
                  )}
                </g>
              );
            })}
          </svg>
        </figure>
      ))}
    </div>
  );
}

/** The colours and marks of the chart, in words. */
export function ChartLegend() {
  const { t } = useTranslation();
  const swatches = [
    { kind: 'caries', className: 'finding-caries' },
    { kind: 'restoration', className: 'finding-restoration' },
    { kind: 'sealant', className: 'finding-sealant' },
    { kind: 'fractured', className: 'finding-fractured' },
    { kind: 'watch', className: 'finding-watch' },
    { kind: 'crown', className: 'finding-crown' },
  ];
  return (
    <ul className="chart-legend" aria-label={t('clinical.chart.legend')}>
      {swatches.map((s) => (
        <li key={s.kind}>
          <svg width="22" height="22" aria-hidden="true">
            <rect x="1" y="1" width="20" height="20" className={`tooth-surface ${s.className}`} />
          </svg>
          {t(`clinical.kind.${s.kind}`)}
        </li>
      ))}
      <li>
        <span className="legend-mark legend-cross" aria-hidden="true">
          ✕
        </span>
        {t('clinical.kind.missing')} / {t('clinical.kind.extracted')}
      </li>
      <li>
        <span className="legend-mark" aria-hidden="true">
          IMP
        </span>
        {t('clinical.kind.implant')}
      </li>
      <li>
        <span className="legend-mark" aria-hidden="true">
          RCT
        </span>
        {t('clinical.kind.root_canal_treated')}
      </li>
      <li>
        <span className="legend-mark" aria-hidden="true">
          BR
        </span>
        {t('clinical.kind.bridge')}
      </li>
    </ul>
  );
}
