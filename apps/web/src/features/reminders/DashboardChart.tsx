import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** One measure: a bar or a line in the chart, and a column of its table. */
export interface ChartSeries {
  key: string;
  label: string;
  color: string;
  kind: 'bar' | 'line';
  /** A dashed line: told apart from the other line by its shape as well as its colour. */
  dashed?: boolean;
}

/** A column of the table that the chart does not draw (the counts a rate is made of). */
export interface TableColumn {
  key: string;
  label: string;
}

export interface ChartRow {
  /** The period as the axis names it (2 Nov, Nov 2026). */
  short: string;
  /** The period as the table names it (Week of 2 Nov 2026, November 2026). */
  long: string;
  values: Record<string, number | null>;
}

const TICK = { fontSize: 14, fill: '#4e5f65' };

/**
 * A chart with the same numbers as a table. The table is always there for screen readers
 * (visually hidden while the chart shows); "Table" shows it to everyone instead of the chart.
 * The chart itself is a picture of the table: hidden from assistive technology, never focused.
 */
export function DashboardChart({
  title,
  description,
  series,
  columns,
  rows,
  percent = false,
  format,
}: {
  title: string;
  description: string;
  series: ChartSeries[];
  /** The table's columns in order (the series' keys and any counts behind them). */
  columns: TableColumn[];
  rows: ChartRow[];
  /** Values are shares from 0 to 1, drawn on a 0–100 % axis. */
  percent?: boolean;
  format: (key: string, value: number | null) => string;
}) {
  const { t } = useTranslation();
  const [asTable, setAsTable] = useState(false);
  const titleId = useId();
  const descriptionId = useId();
  const data = rows.map((row) => ({ period: row.short, ...row.values }));
  const percentTick = (value: number) => format('%', value);

  return (
    <section className="card dashboard-chart" aria-labelledby={titleId} aria-describedby={descriptionId}>
      <div className="dashboard-chart-head">
        <h2 id={titleId}>{title}</h2>
        <button
          type="button"
          className="button button-ghost dashboard-view-toggle"
          aria-pressed={asTable}
          onClick={() => setAsTable((v) => !v)}
        >
          {t('remindersDashboard.tableView')}
        </button>
      </div>
      <p id={descriptionId} className="muted dashboard-chart-description">
        {description}
      </p>
      {!asTable && (
        <div className="dashboard-plot" aria-hidden="true">
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#d5dde0" vertical={false} />
              <XAxis dataKey="period" tick={TICK} tickLine={false} axisLine={{ stroke: '#8a989d' }} minTickGap={8} />
              <YAxis
                tick={TICK}
                tickLine={false}
                axisLine={false}
                width={percent ? 52 : 44}
                allowDecimals={false}
                {...(percent ? { domain: [0, 1], tickFormatter: percentTick, ticks: [0, 0.25, 0.5, 0.75, 1] } : {})}
              />
              <Tooltip
                formatter={(value, name) => {
                  const s = series.find((x) => x.label === name);
                  return format(s?.key ?? '', typeof value === 'number' ? value : null);
                }}
                contentStyle={{ fontSize: 15 }}
              />
              <Legend
                wrapperStyle={{ fontSize: 15 }}
                itemSorter={(item) => series.findIndex((s) => s.key === item.dataKey)}
              />
              {series.map((s) =>
                s.kind === 'bar' ? (
                  <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} isAnimationActive={false} />
                ) : (
                  <Line
                    key={s.key}
                    dataKey={s.key}
                    name={s.label}
                    stroke={s.color}
                    strokeWidth={3}
                    strokeDasharray={s.dashed ? '7 5' : undefined}
                    dot={{ r: 4, fill: s.color }}
                    isAnimationActive={false}
                  />
                ),
              )}
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
      {/* Shown, it may scroll sideways on a narrow screen: a tab stop lets the keyboard scroll it. */}
      <div
        className={asTable ? 'table-wrap dashboard-table' : 'visually-hidden'}
        {...(asTable ? { tabIndex: 0, role: 'group', 'aria-labelledby': titleId } : {})}
      >
        <table>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('remindersDashboard.period')}</th>
              {columns.map((c) => (
                <th key={c.key} scope="col" className="numeric">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.long}>
                <th scope="row">{row.long}</th>
                {columns.map((c) => (
                  <td key={c.key} className="numeric">
                    {format(c.key, row.values[c.key] ?? null)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
