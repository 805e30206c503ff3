import { describe, expect, it } from 'vitest';
import { EDGE_ZONE_PX, MAX_STEP_PX, edgeScroll } from './auto-scroll';

const box = { top: 100, bottom: 700, left: 200, right: 1200 };
const sticky = { top: 40, left: 64 };

describe('edgeScroll', () => {
  it('does not scroll while the pointer is away from the edges', () => {
    expect(edgeScroll(box, sticky, 700, 400)).toEqual({ dx: 0, dy: 0 });
    expect(edgeScroll(box, sticky, 700, box.bottom - EDGE_ZONE_PX)).toEqual({ dx: 0, dy: 0 });
  });

  it('scrolls down near the bottom, faster closer to it, never faster than the maximum', () => {
    const near = edgeScroll(box, sticky, 700, box.bottom - EDGE_ZONE_PX + 6).dy;
    const nearer = edgeScroll(box, sticky, 700, box.bottom - 4).dy;
    expect(near).toBeGreaterThan(0);
    expect(nearer).toBeGreaterThan(near);
    expect(edgeScroll(box, sticky, 700, box.bottom + 300).dy).toBe(MAX_STEP_PX);
  });

  it('scrolls up near the top, measured below the sticky column headings', () => {
    // Just under the headings: inside the zone.
    expect(edgeScroll(box, sticky, 700, box.top + sticky.top + 2).dy).toBeLessThan(0);
    // Below the zone: still.
    expect(edgeScroll(box, sticky, 700, box.top + sticky.top + EDGE_ZONE_PX + 1).dy).toBe(0);
  });

  it('scrolls sideways near the left (past the hour axis) and right edges', () => {
    expect(edgeScroll(box, sticky, box.left + sticky.left + 5, 400).dx).toBeLessThan(0);
    expect(edgeScroll(box, sticky, box.right - 5, 400).dx).toBeGreaterThan(0);
  });
});
