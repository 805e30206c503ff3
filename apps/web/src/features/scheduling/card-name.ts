/**
 * The spoken name of an appointment's card, in the order its text is shown (CalendarGrid's
 * AppointmentContent: time, a medical alert mark, patient, type, status), so that the name
 * contains what a voice-control user reads on the card ("click 09:30–10:00 Marie Lebon").
 */
export function appointmentCardName(card: {
  time: string;
  alert?: string | undefined;
  patient: string;
  type: string;
  status: string;
}): string {
  return [card.time, ...(card.alert ? [card.alert] : []), card.patient, card.type, card.status].join(', ');
}
