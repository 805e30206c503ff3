import type { ReactNode } from 'react';

export type Tone = 'info' | 'success' | 'warning' | 'error';

interface AlertProps {
  tone?: Tone;
  title?: ReactNode;
  children?: ReactNode;
  /** Announce immediately (role=alert). Defaults to true for errors and warnings. */
  urgent?: boolean;
  className?: string;
}

/** A message block. Errors interrupt screen readers (role=alert); the rest are polite (role=status). */
export function Alert({ tone = 'info', title, children, urgent, className }: AlertProps) {
  const role = (urgent ?? (tone === 'error' || tone === 'warning')) ? 'alert' : 'status';
  return (
    <div role={role} className={`alert alert-${tone}${className ? ` ${className}` : ''}`}>
      <span className="alert-icon" aria-hidden="true">
        {tone === 'success' ? '✓' : tone === 'info' ? 'i' : '!'}
      </span>
      <div className="alert-body">
        {title && <p className="alert-title">{title}</p>}
        {children && <div>{children}</div>}
      </div>
    </div>
  );
}
