import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Button } from '../../../components/Button';
import { SetHoldDialog } from './LegalHoldsPage';
import { useLegalHolds } from './retention.api';

/** The path of Privacy → Legal holds. */
export const legalHoldsPath = (practiceId: string) => `/app/${practiceId}/privacy/legal-holds`;

/**
 * On a patient's page, for owners: "Under a legal hold" (linked to the list, where it is lifted)
 * when one is in force, else a button that sets one for this patient.
 */
export function PatientLegalHold({
  practiceId,
  patient,
}: {
  practiceId: string;
  patient: { id: string; givenName: string; familyName: string };
}) {
  const { t } = useTranslation();
  const holds = useLegalHolds(practiceId, { patientId: patient.id });
  const [open, setOpen] = useState(false);
  if (!holds.isSuccess) return null;
  if (holds.data.items.length > 0)
    return (
      <Link className="status-pill patient-legal-hold" to={legalHoldsPath(practiceId)}>
        {t('legalHolds.patientHeld')}
      </Link>
    );
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('legalHolds.patientButton')}</Button>
      <SetHoldDialog practiceId={practiceId} open={open} onClose={() => setOpen(false)} patient={patient} />
    </>
  );
}
