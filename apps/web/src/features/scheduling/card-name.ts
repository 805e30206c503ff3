/**
 * The spoken name of an appointment's card, in the order its text is shown (CalendarGrid's
 * AppointmentContent: time, a medical alert mark, patient, type, status; then the reminder mark's
 * words, which the card shows as an icon only), so that the name
 * contains what a voice-control user reads on the card ("click 09:30–10:00 Marie Lebon"). A short
 * card does not write its type, and the week's narrow columns draw the medical alert as its symbol
 * only: those words are then said after everything written (after the status), so that the name
 * still holds the written text as one run.
 */
export function appointmentCardName(card: {
  time: string;
  alert?: string | undefined;
  patient: string;
  type: string;
  status: string;
  /** The reminder mark's words: an icon on the card, so they come last, after everything written. */
  reminder?: string | undefined;
  /** False on a short card, which leaves its type out. */
  typeShown?: boolean | undefined;
  /** False where the alert mark is its symbol only (the week's narrow columns): its words come after the status. */
  alertShown?: boolean | undefined;
}): string {
  const typeShown = card.typeShown ?? true;
  const alertShown = card.alertShown ?? true;
  return [
    card.time,
    ...(card.alert && alertShown ? [card.alert] : []),
    card.patient,
    ...(typeShown ? [card.type] : []),
    card.status,
    ...(card.alert && !alertShown ? [card.alert] : []),
    ...(typeShown ? [] : [card.type]),
    ...(card.reminder ? [card.reminder] : []),
  ].join(', ');
}
