import { ComingSoon } from '../../components/ComingSoon';

export function InboxPage() {
  return <ComingSoon feature="inbox" />;
}
