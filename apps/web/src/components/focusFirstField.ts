import { useEffect, useRef } from 'react';

/**
 * Puts the focus in the first field of a form shown in a <Modal>. `autoFocus` cannot: the dialog
 * opens (showModal) after its content mounts, and opening moves the focus to the close button.
 * One frame later the dialog is open and the field can take the focus.
 */
export function useFocusFirstField<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    const frame = requestAnimationFrame(() => ref.current?.querySelector<HTMLElement>('input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])')?.focus());
    return () => cancelAnimationFrame(frame);
  }, []);
  return ref;
}
