import type { Appointment } from '@dentalpro/contracts';
import {
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { BlockBody } from '../../api/contracts';
import { edgeScroll } from './auto-scroll';
import { ReminderMark } from '../reminders/ReminderMark';
import type { ReminderMarkKind } from '../reminders/reminder-state';
import { MedicalAlertMark } from './MedicalAlertBadge';
import { clock } from './zoned-time';

export interface CalendarColumn {
  key: string;
  day: string;
  label: string;
  sublabel?: string | undefined;
  colour?: string | undefined;
  chairId?: string | undefined;
  providerId?: string | undefined;
  isToday: boolean;
}

/** An appointment laid out in a column: wall-clock minutes of its day. */
export interface PlacedAppointment {
  appointment: Appointment;
  startMin: number;
  endMin: number;
}

export interface PlacedBlock {
  block: BlockBody;
  startMin: number;
  endMin: number;
  /** A provider's block seen in a chair column: drawn as a narrow strip, it does not block the chair. */
  narrow: boolean;
  label: string;
}

export interface AppointmentLook {
  colour: string;
  typeName: string;
  statusLabel: string;
  /**
   * Spoken name of the block, e.g. "09:30–10:00, Marie Lebon, Check-up, Booked, Reminded 8 Mar, 09:30";
   * typeShown false for a short card, which does not write its type; alertShown false in the week
   * view, whose cards draw a medical alert as its symbol only (card-name.ts).
   */
  ariaLabel: (shown: { typeShown: boolean; alertShown: boolean }) => string;
  /** What became of its reminders (an icon with this tooltip), when it has any. */
  reminder?: { kind: ReminderMarkKind; label: string } | undefined;
}

interface CalendarGridProps {
  columns: CalendarColumn[];
  axisStart: number;
  axisEnd: number;
  step: number;
  appointments: Map<string, PlacedAppointment[]>;
  blocks: Map<string, PlacedBlock[]>;
  nowMinutes: number | null;
  canBook: boolean;
  /** Days with no opening hours: drawn closed, nothing bookable there. */
  closedDays?: ReadonlySet<string>;
  canMove: (appointment: Appointment) => boolean;
  look: (appointment: Appointment) => AppointmentLook;
  selectedId: string | null;
  onBook: (column: CalendarColumn, minutes: number) => void;
  onOpen: (appointment: Appointment) => void;
  onMove: (appointment: Appointment, column: CalendarColumn, startMin: number) => void;
  onOpenBlock: (block: BlockBody) => void;
}

/**
 * Pixels per minute: a 15-minute row is 24 px (the minimum target size, and over six hours on a
 * 768-pixel screen); finer steps get a little more per minute so their rows stay 12 px or more.
 */
export function pixelsPerMinute(step: number) {
  return step >= 15 ? 24 / 15 : 2.4;
}

const STATUS_GLYPH: Record<string, string> = {
  held: '◷',
  booked: '○',
  confirmed: '✓',
  arrived: '➜',
  in_chair: '●',
  completed: '✔',
  cancelled: '✕',
  no_show: '⊘',
};

interface DragState {
  id: string;
  columnKey: string;
  startMin: number;
}

/**
 * The time grid, built by hand: one absolutely positioned layer per column over a stack of
 * bookable cells. Cheap to render with hundreds of appointments (no per-minute elements).
 */
export function CalendarGrid(props: CalendarGridProps) {
  const { t } = useTranslation();
  const { columns, axisStart, axisEnd, step, canBook } = props;
  const ppm = pixelsPerMinute(step);
  const rows = Math.max(1, Math.ceil((axisEnd - axisStart) / step));
  const height = rows * step * ppm;
  const columnEls = useRef(new Map<string, HTMLDivElement>());
  const [drag, setDrag] = useState<DragState | null>(null);
  const pointer = useRef<{
    appointment: Appointment;
    x: number;
    y: number;
    grabMin: number;
    duration: number;
    moved: boolean;
    pointerId: number;
  } | null>(null);
  const suppressClick = useRef(false);
  const scroller = useRef<HTMLElement>(null);
  // Where the dragging pointer is and the frame that scrolls the grid while it stays near an edge.
  const edge = useRef<{ x: number; y: number; frame: number | null }>({ x: 0, y: 0, frame: null });
  const [active, setActive] = useState<{ col: number; row: number }>({ col: 0, row: 0 });

  const hours = useMemo(() => {
    const marks: number[] = [];
    for (let m = Math.ceil(axisStart / 60) * 60; m < axisEnd; m += 60) marks.push(m);
    return marks;
  }, [axisStart, axisEnd]);

  const targetAt = (clientX: number, clientY: number, grabMin: number, duration: number): DragState | null => {
    for (const column of columns) {
      const el = columnEls.current.get(column.key);
      if (!el) continue;
      const rect = el.getBoundingClientRect();
      if (clientX < rect.left || clientX >= rect.right) continue;
      const raw = axisStart + (clientY - rect.top) / ppm - grabMin;
      const snapped = Math.round(raw / step) * step;
      const startMin = Math.min(Math.max(snapped, axisStart), Math.max(axisStart, axisEnd - duration));
      return { id: pointer.current?.appointment.id ?? '', columnKey: column.key, startMin };
    }
    return null;
  };

  const onPointerDown = (event: PointerEvent<HTMLButtonElement>, placed: PlacedAppointment) => {
    if (event.button !== 0 || !props.canMove(placed.appointment)) return;
    const rect = event.currentTarget.getBoundingClientRect();
    pointer.current = {
      appointment: placed.appointment,
      x: event.clientX,
      y: event.clientY,
      grabMin: (event.clientY - rect.top) / ppm,
      duration: placed.endMin - placed.startMin,
      moved: false,
      pointerId: event.pointerId,
    };
  };

  const follow = (x: number, y: number) => {
    const p = pointer.current;
    if (!p) return;
    const target = targetAt(x, y, p.grabMin, p.duration);
    if (target)
      setDrag((current) =>
        current && current.columnKey === target.columnKey && current.startMin === target.startMin ? current : target,
      );
  };

  const stopEdgeScroll = () => {
    if (edge.current.frame !== null) cancelAnimationFrame(edge.current.frame);
    edge.current.frame = null;
  };
  // A grid taken off the screen mid-drag leaves no frame running.
  useEffect(() => {
    const current = edge.current;
    return () => {
      if (current.frame !== null) cancelAnimationFrame(current.frame);
    };
  }, []);

  // Near the grid's edge the drag scrolls it, frame by frame while the pointer stays there (no
  // pointer events come then), and the drop target follows what scrolls under the pointer.
  const edgeScrollFrame = () => {
    const el = scroller.current;
    edge.current.frame = null;
    if (!el || !pointer.current?.moved) return;
    const sticky = {
      top: el.querySelector<HTMLElement>('.cal-head')?.offsetHeight ?? 0,
      left: el.querySelector<HTMLElement>('.cal-axis')?.offsetWidth ?? 0,
    };
    const { dx, dy } = edgeScroll(el.getBoundingClientRect(), sticky, edge.current.x, edge.current.y);
    const before = { top: el.scrollTop, left: el.scrollLeft };
    el.scrollTop += dy;
    el.scrollLeft += dx;
    if (el.scrollTop === before.top && el.scrollLeft === before.left) return;
    follow(edge.current.x, edge.current.y);
    edge.current.frame = requestAnimationFrame(edgeScrollFrame);
  };

  const onPointerMove = (event: PointerEvent<HTMLButtonElement>) => {
    const p = pointer.current;
    if (!p || p.pointerId !== event.pointerId) return;
    if (!p.moved) {
      if (Math.abs(event.clientX - p.x) + Math.abs(event.clientY - p.y) < 6) return;
      p.moved = true;
      event.currentTarget.setPointerCapture(event.pointerId);
    }
    follow(event.clientX, event.clientY);
    edge.current.x = event.clientX;
    edge.current.y = event.clientY;
    edge.current.frame ??= requestAnimationFrame(edgeScrollFrame);
  };

  const onPointerUp = (event: PointerEvent<HTMLButtonElement>) => {
    const p = pointer.current;
    stopEdgeScroll();
    pointer.current = null;
    if (!p?.moved) return;
    suppressClick.current = true;
    const target = targetAt(event.clientX, event.clientY, p.grabMin, p.duration) ?? drag;
    setDrag(null);
    if (!target) return;
    const column = columns.find((c) => c.key === target.columnKey);
    const from = findPlaced(props.appointments, p.appointment.id);
    if (!column || !from) return;
    const sameColumn = from.columnKey === column.key;
    if (sameColumn && from.placed.startMin === target.startMin) return;
    props.onMove(p.appointment, column, target.startMin);
  };

  const onPointerCancel = () => {
    stopEdgeScroll();
    pointer.current = null;
    setDrag(null);
  };

  // Arrow keys move between cells (one tab stop for the whole grid), Enter books the focused one.
  const onCellKey = useCallback(
    (event: KeyboardEvent<HTMLDivElement>) => {
      const target = event.target as HTMLElement;
      if (!target.classList.contains('cal-cell')) return;
      const col = Number(target.dataset.col);
      const row = Number(target.dataset.row);
      const moves: Record<string, [number, number]> = {
        ArrowUp: [0, -1],
        ArrowDown: [0, 1],
        ArrowLeft: [-1, 0],
        ArrowRight: [1, 0],
      };
      let next: { col: number; row: number } | null = null;
      if (event.key in moves) {
        const [dc, dr] = moves[event.key] as [number, number];
        next = {
          col: Math.min(Math.max(col + dc, 0), columns.length - 1),
          row: Math.min(Math.max(row + dr, 0), rows - 1),
        };
      } else if (event.key === 'Home') next = { col, row: 0 };
      else if (event.key === 'End') next = { col, row: rows - 1 };
      if (!next) return;
      event.preventDefault();
      setActive(next);
      const el = event.currentTarget.querySelector<HTMLElement>(
        `.cal-cell[data-col="${next.col}"][data-row="${next.row}"]`,
      );
      el?.focus();
    },
    [columns.length, rows],
  );

  const dragged = drag ? findPlaced(props.appointments, drag.id) : null;
  // Seven days of one provider: narrow columns (styles.css .cal-grid.is-week).
  const isWeek = columns.length === 7 && columns[0]?.providerId !== undefined;

  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region takes keyboard focus so that the keyboard can scroll the day (arrows, Page Up and Down), as WCAG 2.1.1 asks (axe: scrollable-region-focusable)
    <section className="cal-scroll" ref={scroller} aria-label={t('calendar.gridLabel')} tabIndex={0}>
      <div className={`cal-grid${isWeek ? ' is-week' : ''}`} style={{ '--cal-cols': columns.length } as CSSProperties}>
        <div className="cal-corner" aria-hidden="true" />
        {columns.map((column) => (
          <div
            key={column.key}
            className={`cal-head${column.isToday ? ' is-today' : ''}${props.closedDays?.has(column.day) ? ' is-closed' : ''}`}
          >
            {column.colour && <span className="cal-dot" style={{ background: column.colour }} aria-hidden="true" />}
            <span className="cal-head-label">{column.label}</span>
            {column.sublabel && <span className="cal-head-sub">{column.sublabel}</span>}
            {props.closedDays?.has(column.day) && <span className="cal-head-sub">{t('calendar.closed')}</span>}
          </div>
        ))}
        <div className="cal-axis" style={{ height }} aria-hidden="true">
          {hours.map((m) => (
            <span key={m} className="cal-hour" style={{ top: (m - axisStart) * ppm }}>
              {clock(m)}
            </span>
          ))}
        </div>
        {columns.map((column, colIndex) => {
          const placed = props.appointments.get(column.key) ?? [];
          const lanes = layoutLanes(placed);
          return (
            // biome-ignore lint/a11y/noStaticElementInteractions: it hears key and focus events bubbling up from its cells (the grid's roving focus); the column itself takes no input.
            <div
              key={column.key}
              className={`cal-col${column.isToday ? ' is-today' : ''}${drag?.columnKey === column.key ? ' is-drop' : ''}${props.closedDays?.has(column.day) ? ' is-closed' : ''}`}
              style={{ height }}
              ref={(el) => {
                if (el) columnEls.current.set(column.key, el);
                else columnEls.current.delete(column.key);
              }}
              onKeyDown={onCellKey}
              onFocus={(event) => {
                const el = event.target as HTMLElement;
                if (!el.classList.contains('cal-cell')) return;
                const next = { col: Number(el.dataset.col), row: Number(el.dataset.row) };
                if (next.col !== active.col || next.row !== active.row) setActive(next);
              }}
            >
              <Cells
                column={column}
                colIndex={colIndex}
                rows={rows}
                axisStart={axisStart}
                step={step}
                rowPx={step * ppm}
                canBook={canBook && !props.closedDays?.has(column.day)}
                activeRow={active.col === colIndex ? active.row : -1}
                onBook={props.onBook}
              />
              {(props.blocks.get(column.key) ?? []).map((pb) => (
                <button
                  type="button"
                  key={pb.block.id}
                  className={`cal-block${pb.narrow ? ' is-narrow' : ''} kind-${pb.block.kind}`}
                  style={{
                    top: (pb.startMin - axisStart) * ppm,
                    height: Math.max(12, (pb.endMin - pb.startMin) * ppm),
                  }}
                  onClick={() => props.onOpenBlock(pb.block)}
                  aria-label={`${pb.label}, ${clock(pb.startMin)}–${clock(pb.endMin)}`}
                  title={pb.label}
                >
                  {!pb.narrow && <span className="cal-block-label">{pb.label}</span>}
                </button>
              ))}
              {props.nowMinutes !== null &&
                column.isToday &&
                props.nowMinutes >= axisStart &&
                props.nowMinutes <= axisEnd && (
                  <div className="cal-now" style={{ top: (props.nowMinutes - axisStart) * ppm }} aria-hidden="true" />
                )}
              {placed.map((pa) => {
                const look = props.look(pa.appointment);
                const lane = lanes.get(pa.appointment.id) ?? { lane: 0, lanes: 1 };
                const isDragged = drag?.id === pa.appointment.id;
                const movable = props.canMove(pa.appointment);
                const short = (pa.endMin - pa.startMin) * ppm < 50;
                return (
                  <button
                    type="button"
                    key={pa.appointment.id}
                    data-appointment-id={pa.appointment.id}
                    className={`cal-appt status-${pa.appointment.status}${movable ? ' is-movable' : ''}${isDragged ? ' is-dragging' : ''}${props.selectedId === pa.appointment.id ? ' is-selected' : ''}${short ? ' is-short' : ''}`}
                    style={
                      {
                        top: (pa.startMin - axisStart) * ppm,
                        height: Math.max(20, (pa.endMin - pa.startMin) * ppm - 2),
                        left: `calc(${(lane.lane / lane.lanes) * 100}% + 2px)`,
                        width: `calc(${100 / lane.lanes}% - 4px)`,
                        '--type-colour': look.colour,
                      } as CSSProperties
                    }
                    aria-label={look.ariaLabel({ typeShown: !short, alertShown: !isWeek })}
                    onPointerDown={(e) => onPointerDown(e, pa)}
                    onPointerMove={onPointerMove}
                    onPointerUp={onPointerUp}
                    onPointerCancel={onPointerCancel}
                    onClick={() => {
                      if (suppressClick.current) {
                        suppressClick.current = false;
                        return;
                      }
                      props.onOpen(pa.appointment);
                    }}
                  >
                    <AppointmentContent placed={pa} look={look} />
                  </button>
                );
              })}
              {dragged && drag?.columnKey === column.key && (
                <div
                  className={`cal-appt cal-ghost status-${dragged.placed.appointment.status}`}
                  style={
                    {
                      top: (drag.startMin - axisStart) * ppm,
                      height: Math.max(20, (dragged.placed.endMin - dragged.placed.startMin) * ppm - 2),
                      left: 2,
                      right: 2,
                      '--type-colour': props.look(dragged.placed.appointment).colour,
                    } as CSSProperties
                  }
                  aria-hidden="true"
                >
                  <span className="cal-appt-time">
                    {clock(drag.startMin)}–{clock(drag.startMin + dragged.placed.endMin - dragged.placed.startMin)}
                  </span>
                  <span className="cal-appt-name">{dragged.placed.appointment.patientName}</span>
                </div>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}

function AppointmentContent({ placed, look }: { placed: PlacedAppointment; look: AppointmentLook }) {
  const a = placed.appointment;
  return (
    <>
      {/* The spaces between the parts (a grid lays them out without them) keep their words apart in
          the text the card is read as: "09:00–09:30 Marie Lebon", not "09:00–09:30Marie Lebon". */}
      <span className="cal-appt-time">
        {clock(placed.startMin)}–{clock(placed.endMin)}
      </span>{' '}
      <span className="cal-appt-name">
        {a.hasMedicalAlert && <MedicalAlertMark />}
        {a.patientName ?? '—'}
      </span>{' '}
      <span className="cal-appt-type">{look.typeName}</span>{' '}
      {/* Last, as in the spoken name (look.ariaLabel); drawn beside the time (styles.css). */}
      <span className="cal-appt-status" title={look.statusLabel}>
        {/* No words of its own: its tooltip, and the card's spoken name, say it (after the status). */}
        {look.reminder && <ReminderMark kind={look.reminder.kind} label={look.reminder.label} decorative />}
        <span aria-hidden="true">{STATUS_GLYPH[a.status]}</span>{' '}
        <span className="cal-appt-status-text">{look.statusLabel}</span>
      </span>
    </>
  );
}

interface CellsProps {
  column: CalendarColumn;
  colIndex: number;
  rows: number;
  axisStart: number;
  step: number;
  rowPx: number;
  canBook: boolean;
  activeRow: number;
  onBook: (column: CalendarColumn, minutes: number) => void;
}

/** The bookable cells of one column; memoised so dragging and refetches do not re-render hundreds of buttons. */
const Cells = memo(function Cells({
  column,
  colIndex,
  rows,
  axisStart,
  step,
  rowPx,
  canBook,
  activeRow,
  onBook,
}: CellsProps) {
  const { t } = useTranslation();
  const cells = [];
  for (let row = 0; row < rows; row++) {
    const minutes = axisStart + row * step;
    const hour = minutes % 60 === 0 ? ' is-hour' : '';
    if (!canBook) {
      cells.push(<div key={row} className={`cal-slot${hour}`} style={{ height: rowPx }} />);
      continue;
    }
    cells.push(
      <button
        type="button"
        key={row}
        className={`cal-cell cal-slot${hour}`}
        style={{ height: rowPx }}
        data-col={colIndex}
        data-row={row}
        tabIndex={activeRow === row ? 0 : -1}
        aria-label={t('calendar.bookCell', {
          time: clock(minutes),
          column: column.sublabel ? `${column.label} ${column.sublabel}` : column.label,
        })}
        onClick={() => onBook(column, minutes)}
      >
        <span aria-hidden="true">+</span>
      </button>,
    );
  }
  return <>{cells}</>;
});

function findPlaced(map: Map<string, PlacedAppointment[]>, id: string) {
  for (const [columnKey, list] of map) {
    const placed = list.find((p) => p.appointment.id === id);
    if (placed) return { columnKey, placed };
  }
  return null;
}

/** Side-by-side lanes for overlapping appointments (double-booked providers, cancelled under new). */
function layoutLanes(placed: PlacedAppointment[]) {
  const result = new Map<string, { lane: number; lanes: number }>();
  const sorted = [...placed].sort((a, b) => a.startMin - b.startMin || b.endMin - a.endMin);
  let cluster: { id: string; lane: number }[] = [];
  let laneEnds: number[] = [];
  let clusterEnd = -1;
  const flush = () => {
    for (const item of cluster) result.set(item.id, { lane: item.lane, lanes: laneEnds.length });
    cluster = [];
    laneEnds = [];
  };
  for (const p of sorted) {
    if (p.startMin >= clusterEnd) flush();
    let lane = laneEnds.findIndex((end) => end <= p.startMin);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(p.endMin);
    } else laneEnds[lane] = p.endMin;
    cluster.push({ id: p.appointment.id, lane });
    clusterEnd = Math.max(clusterEnd, p.endMin);
  }
  flush();
  return result;
}
