import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';

interface ModalProps {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  /** Wider layout for forms with two columns (booking). */
  wide?: boolean;
}

/** The first field of a form, where the focus goes when a dialog opens. */
const FIRST_FIELD = 'input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])';

/**
 * A modal form on the native <dialog>: the browser traps focus and closes on Escape; focus goes
 * back to whatever opened it (kept here too, since the opener may have re-rendered meanwhile).
 * Opening puts the focus on the element marked `data-autofocus` (the first choice of a dialog
 * that is a list of choices), else in the first field, so that typing starts at once; a dialog
 * with neither leaves it on the close button. (`autoFocus` cannot do this: the content mounts
 * before the dialog opens, and React's focus call on a closed dialog is lost.)
 */
export function Modal({ open, title, onClose, children, wide = false }: ModalProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      (
        dialog.querySelector<HTMLElement>('[data-autofocus]') ?? dialog.querySelector<HTMLElement>(FIRST_FIELD)
      )?.focus();
    }
    if (!open && dialog.open) {
      dialog.close();
      const back = opener.current;
      opener.current = null;
      if (back?.isConnected) back.focus();
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`dialog modal${wide ? ' modal-wide' : ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div className="modal-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('common.close')}>
          ×
        </button>
      </div>
      {open && children}
    </dialog>
  );
}
