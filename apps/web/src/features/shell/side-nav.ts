import { useCallback, useSyncExternalStore } from 'react';

/** Below this width the side navigation starts folded to its icons, unless the user said otherwise. */
export const SIDE_NAV_FOLD_BELOW_PX = 1100;
const STORAGE_KEY = 'dentalpro.sidenav';
const NARROW_QUERY = `(max-width: ${SIDE_NAV_FOLD_BELOW_PX - 1}px)`;

export type SideNavChoice = 'collapsed' | 'expanded';

/** The user's choice wins; without one, the navigation folds on narrow screens (a tablet, a small laptop). */
export function sideNavCollapsed(choice: SideNavChoice | null, narrow: boolean): boolean {
  return choice ? choice === 'collapsed' : narrow;
}

export function parseSideNavChoice(value: string | null): SideNavChoice | null {
  return value === 'collapsed' || value === 'expanded' ? value : null;
}

// The choice of this page's life, for when the browser keeps no storage (private mode).
let choiceThisVisit: SideNavChoice | null = null;

function storedChoice(): SideNavChoice | null {
  try {
    return parseSideNavChoice(localStorage.getItem(STORAGE_KEY)) ?? choiceThisVisit;
  } catch {
    return choiceThisVisit;
  }
}

const listeners = new Set<() => void>();

function subscribe(onChange: () => void) {
  const narrow = window.matchMedia(NARROW_QUERY);
  listeners.add(onChange);
  narrow.addEventListener('change', onChange);
  window.addEventListener('storage', onChange);
  return () => {
    listeners.delete(onChange);
    narrow.removeEventListener('change', onChange);
    window.removeEventListener('storage', onChange);
  };
}

const snapshot = () => sideNavCollapsed(storedChoice(), window.matchMedia(NARROW_QUERY).matches);

/** Whether the side navigation shows icons only, and the toggle that remembers the choice on this device. */
export function useSideNav(): { collapsed: boolean; toggle: () => void } {
  const collapsed = useSyncExternalStore(subscribe, snapshot, () => false);
  const toggle = useCallback(() => {
    choiceThisVisit = collapsed ? 'expanded' : 'collapsed';
    try {
      localStorage.setItem(STORAGE_KEY, choiceThisVisit);
    } catch {
      // Private mode: the choice lasts for this visit only.
    }
    for (const listener of listeners) listener();
  }, [collapsed]);
  return { collapsed, toggle };
}
