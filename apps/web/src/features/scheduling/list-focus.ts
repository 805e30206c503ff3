import { type RefObject, useCallback, useEffect, useRef } from 'react';

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

/**
 * "Load more" that puts the focus on the first row it brought (the button it was on goes away at
 * the end of the list), found by its id with `rowSelector`.
 */
export function useLoadMoreFocus(
  container: RefObject<HTMLElement | null>,
  ids: readonly string[],
  rowSelector: (id: string) => string,
  fetchNextPage: () => unknown,
) {
  const firstNew = useRef<number | null>(null);
  useEffect(() => {
    const index = firstNew.current;
    const id = index === null ? undefined : ids[index];
    if (id === undefined) return;
    firstNew.current = null;
    container.current?.querySelector<HTMLElement>(`${rowSelector(id)} th a`)?.focus();
  }, [ids, container, rowSelector]);
  return () => {
    firstNew.current = ids.length;
    void fetchNextPage();
  };
}
