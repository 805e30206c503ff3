import { ComingSoon } from '../../components/ComingSoon';

export function CalendarPage() {
  return <ComingSoon feature="calendar" />;
}
