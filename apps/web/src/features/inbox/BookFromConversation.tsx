import type { Appointment } from '@dentalpro/contracts';
import { useState } from 'react';
import { usePatient } from '../patients/patients.api';
import { usePractice } from '../practices/practices.api';
import { BookPatientButton, BookedNotice } from '../scheduling/BookFromAnywhere';
import { useCurrentPractice } from '../shell/AppShell';

/** "Book" for the patient a conversation is linked to (an active record only), and what it booked. */
export function BookFromConversation({ practiceId, patientId }: { practiceId: string; patientId: string }) {
  const { can } = useCurrentPractice();
  const allowed = can('calendar:book');
  const practice = usePractice(practiceId);
  const patient = usePatient(practiceId, patientId, allowed);
  const [booked, setBooked] = useState<Appointment | null>(null);
  const timeZone = practice.data?.timeZone;
  if (!allowed || !timeZone || !patient.data || patient.data.status !== 'active' || patient.data.mergedIntoId)
    return null;
  return (
    <>
      <BookPatientButton
        practiceId={practiceId}
        timeZone={timeZone}
        patient={patient.data}
        variant="secondary"
        onBooked={setBooked}
      />
      {booked && <BookedNotice practiceId={practiceId} timeZone={timeZone} appointment={booked} compact />}
    </>
  );
}
