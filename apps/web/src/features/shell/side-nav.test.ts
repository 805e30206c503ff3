import { describe, expect, it } from 'vitest';
import { parseSideNavChoice, sideNavCollapsed } from './side-nav';

describe('sideNavCollapsed', () => {
  it('folds on narrow screens and stays open on wide ones while the user has not chosen', () => {
    expect(sideNavCollapsed(null, true)).toBe(true);
    expect(sideNavCollapsed(null, false)).toBe(false);
  });

  it('keeps the user’s choice whatever the width', () => {
    expect(sideNavCollapsed('expanded', true)).toBe(false);
    expect(sideNavCollapsed('collapsed', false)).toBe(true);
  });
});

describe('parseSideNavChoice', () => {
  it('reads only the two stored words', () => {
    expect(parseSideNavChoice('collapsed')).toBe('collapsed');
    expect(parseSideNavChoice('expanded')).toBe('expanded');
    expect(parseSideNavChoice('true')).toBeNull();
    expect(parseSideNavChoice(null)).toBeNull();
  });
});
