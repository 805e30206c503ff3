/** A few line icons drawn inline: no icon font, no emoji (which some tablets and kiosks lack). */
const PATHS = {
  calendar: (
    <>
      <rect x="3" y="4" width="18" height="17" rx="2" />
      <path d="M3 9h18M8 2v4M16 2v4M7.5 13h2M11 13h2M14.5 13h2M7.5 17h2M11 17h2" />
    </>
  ),
  patients: (
    <>
      <circle cx="9" cy="7" r="4" />
      <path d="M2 21v-1.5A4.5 4.5 0 0 1 6.5 15h5a4.5 4.5 0 0 1 4.5 4.5V21M16 3.3a4 4 0 0 1 0 7.4M22 21v-1.5a4.5 4.5 0 0 0-3.5-4.4" />
    </>
  ),
  inbox: <path d="M21 15a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2zM7.5 8.5h9M7.5 12h6" />,
  settings: <path d="M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6" />,
  audit: (
    <>
      <path d="M9 5H7a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-2" />
      <rect x="9" y="3" width="6" height="4" rx="1" />
      <path d="M9 12h6M9 16h4" />
    </>
  ),
  tooth: (
    <path d="M7 3C4.5 3 3 5 3 7.8c0 3 1.2 4.6 2 7.4.7 2.6 1 5.8 2.8 5.8 1.6 0 1.8-2.6 2.4-4.6.4-1.3.9-2 1.8-2s1.4.7 1.8 2c.6 2 .8 4.6 2.4 4.6 1.8 0 2.1-3.2 2.8-5.8.8-2.8 2-4.4 2-7.4C21 5 19.5 3 17 3c-2.4 0-3.6 1.4-5 1.4S9.4 3 7 3z" />
  ),
  lock: (
    <>
      <rect x="4" y="11" width="16" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4M12 15v2" />
    </>
  ),
  search: (
    <>
      <circle cx="11" cy="11" r="7" />
      <path d="m20 20-4-4" />
    </>
  ),
  document: (
    <>
      <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
      <path d="M14 3v5h5M9 13h6M9 17h4" />
    </>
  ),
  phone: (
    <>
      <rect x="6" y="2" width="12" height="20" rx="2.5" />
      <path d="M11 18h2" />
    </>
  ),
  attach: (
    <path d="m20.5 11.5-8.3 8.3a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9" />
  ),
  location: (
    <>
      <path d="M12 21s-7-6.1-7-11.5a7 7 0 0 1 14 0C19 14.9 12 21 12 21z" />
      <circle cx="12" cy="9.5" r="2.5" />
    </>
  ),
  send: <path d="M4 12 3 4l18 8-18 8zM4 12h8" />,
  list: <path d="M8 6h13M8 12h13M8 18h13M3.5 6h.01M3.5 12h.01M3.5 18h.01" />,
  bell: <path d="M18 8.5a6 6 0 0 0-12 0c0 6.5-2.5 8.5-2.5 8.5h17S18 15 18 8.5M10.3 20.5a2 2 0 0 0 3.4 0" />,
  collapse: <path d="M11 17 6 12l5-5M18 17l-5-5 5-5" />,
  expand: <path d="m13 17 5-5-5-5M6 17l5-5-5-5" />,
  /** Recalls: coming round again. */
  recall: <path d="M20 12a8 8 0 1 1-2.3-5.7M20 4v4h-4M12 8v4l2.5 2.5" />,
  /** The dashboard: bars over a baseline. */
  chart: <path d="M3 20h18M6 16v-5M11 16V6M16 16v-8M21 16v-3" />,
  /** The waitlist: people in a queue with a clock. */
  waitlist: (
    <>
      <circle cx="16" cy="16" r="5" />
      <path d="M16 13.5V16l1.5 1.5M3 6h12M3 11h7M3 16h4" />
    </>
  ),
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 22 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name]}
    </svg>
  );
}
