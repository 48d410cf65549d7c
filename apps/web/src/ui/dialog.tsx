"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";

/**
 * A modal on the native <dialog>: the browser traps focus, Escape closes it, and the page
 * behind is inert; screen readers get its title as the accessible name.
 */
export function Dialog({
  open,
  title,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // jsdom has no showModal; the open attribute is what it renders either way.
    if (open && !dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    } else if (!open && dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} className="dialog" onClose={onClose} onCancel={onClose}>
      {open ? (
        <>
          <header className="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="ghost" aria-label="Close" onClick={onClose}>
              ×
            </button>
          </header>
          {children}
        </>
      ) : null}
    </dialog>
  );
}

/**
 * The foot of a dialog's form: Cancel, and the submit button that says what it does (and that it
 * is doing it). `disabled` adds reasons beyond being busy (a required field still empty).
 */
export function DialogActions({
  onCancel,
  label,
  busyLabel,
  busy = false,
  disabled = false,
}: {
  onCancel: () => void;
  label: string;
  busyLabel: string;
  busy?: boolean;
  disabled?: boolean;
}) {
  return (
    <div className="actions">
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={busy || disabled}>
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}
