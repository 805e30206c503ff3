/** How the 72 hours stand at `now`: time left, or time past the deadline. */
export interface Countdown {
  overdue: boolean;
  hours: number;
  minutes: number;
}

export function countdownTo(dueAt: string, now: number): Countdown {
  const ms = Date.parse(dueAt) - now;
  const overdue = ms < 0;
  const totalMinutes = Math.floor(Math.abs(ms) / 60_000);
  return { overdue, hours: Math.floor(totalMinutes / 60), minutes: totalMinutes % 60 };
}

/** A datetime-local value (the browser's time) as an ISO instant; '' stays null. */
export function instantOf(local: string): string | null {
  if (!local) return null;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/** An ISO instant as a datetime-local value in the browser's time. */
export function localOf(iso: string | null): string {
  if (!iso) return '';
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
