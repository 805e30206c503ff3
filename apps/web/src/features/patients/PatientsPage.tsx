import { ComingSoon } from '../../components/ComingSoon';

export function PatientsPage() {
  return <ComingSoon feature="patients" />;
}
