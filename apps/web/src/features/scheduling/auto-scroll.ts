/** How close to the grid's edge (px) a dragged appointment starts scrolling it. */
export const EDGE_ZONE_PX = 48;
/** The fastest scroll (px per frame, about 1 000 px a second), right at the edge or beyond it. */
export const MAX_STEP_PX = 18;

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** One axis: how far to scroll for a pointer at `at`, between `start` (the visible edge after sticky headers) and `end`. */
function stepOnAxis(at: number, start: number, end: number): number {
  const intoStart = start + EDGE_ZONE_PX - at;
  const intoEnd = at - (end - EDGE_ZONE_PX);
  const speed = (into: number) => Math.ceil(Math.min(1, into / EDGE_ZONE_PX) ** 2 * MAX_STEP_PX);
  if (intoStart > 0) return -speed(intoStart);
  if (intoEnd > 0) return speed(intoEnd);
  return 0;
}

/**
 * How far to scroll the calendar this frame while an appointment is dragged near its edges: slow
 * at the zone's inner edge, faster towards the border, so a drag from 09:30 to 16:00 needs no wheel.
 * `sticky` is what the column headings (top) and the hour axis (left) cover.
 */
export function edgeScroll(box: Box, sticky: { top: number; left: number }, x: number, y: number) {
  return {
    dx: stepOnAxis(x, box.left + sticky.left, box.right),
    dy: stepOnAxis(y, box.top + sticky.top, box.bottom),
  };
}
