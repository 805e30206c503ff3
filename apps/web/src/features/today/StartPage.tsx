import { Navigate } from 'react-router';
import { startPageFor } from '../auth/auth.api';
import { useCurrentPractice } from '../shell/AppShell';

/** /app/:practiceId on its own: the member's start page (Today for the front desk, My day for clinicians). */
export function StartPage() {
  const { membership } = useCurrentPractice();
  return <Navigate to={startPageFor(membership.role)} replace />;
}
