import type { LoginResult, Me, Role } from '@dentalpro/contracts';
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

export const meKey = ['me'] as const;

/** The logged-in user and their practices; a 401 is an answer here ("nobody"), not a failure to retry. */
export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: () => api.get<Me>('/auth/me'), retry: false, staleTime: 60_000 });
}

export function isMe(result: LoginResult): result is Me {
  return 'user' in result;
}

/** A member's start page in a practice: the front desk's Today, a clinician's My day, the owner's calendar. */
export function startPageFor(role: Role): string {
  if (role === 'receptionist') return 'today';
  if (role === 'dentist' || role === 'hygienist') return 'my-day';
  return 'calendar';
}

/** Where someone goes once logged in: back where they were sent from, else their first practice's start page. */
export function homeFor(me: Me, next?: string | null): string {
  if (next?.startsWith('/app/')) {
    const practiceId = next.split('/')[2];
    if (me.memberships.some((m) => m.practiceId === practiceId)) return next;
  }
  // The WhatsApp sandbox lives outside the practice pages (and picks the practice itself).
  if (next && /^\/sandbox\/whatsapp(\?|$)/.test(next)) return next;
  const first = me.memberships[0];
  return first ? `/app/${first.practiceId}/${startPageFor(first.role)}` : '/no-practice';
}

export async function logOut(queryClient: QueryClient, everywhere = false) {
  try {
    await api.post(everywhere ? '/auth/logout-everywhere' : '/auth/logout');
  } finally {
    queryClient.clear();
  }
}
