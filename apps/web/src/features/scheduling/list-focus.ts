import { useCallback, useEffect, useRef } from 'react';

/**
 * Where the focus goes after an action takes a row off a list (done, cancelled, booked, removed):
 * the patient link of the row that took its place, else the one before, else the list's heading,
 * so a keyboard user carries on down the list instead of starting again from the top.
 */
export function useFocusAfterRowChange(rowCount: number) {
  const container = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const pending = useRef<{ index: number; count: number } | null>(null);
  useEffect(() => {
    const wanted = pending.current;
    if (!wanted || rowCount === wanted.count) return;
    pending.current = null;
    const links = container.current?.querySelectorAll<HTMLElement>('tbody tr th a') ?? [];
    const target = links[Math.min(wanted.index, links.length - 1)] ?? heading.current;
    target?.focus();
  }, [rowCount]);
  /** Call when the row at `index` is about to leave the list. */
  const rowLeaving = useCallback(
    (index: number) => {
      pending.current = { index, count: rowCount };
    },
    [rowCount],
  );
  return { container, heading, rowLeaving };
}
