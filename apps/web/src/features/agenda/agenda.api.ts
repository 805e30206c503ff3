/** The daily agenda's addresses and cache keys: the practice's setting and the member's own choice. */
export const agendaSettingsUrl = (practiceId: string) => `/practices/${practiceId}/agenda/settings`;
export const agendaSettingsKey = (practiceId: string) => ['agenda', practiceId, 'settings'] as const;
export const agendaSubscriptionUrl = (practiceId: string) => `/practices/${practiceId}/agenda/subscription`;
export const agendaSubscriptionKey = (practiceId: string) => ['agenda', practiceId, 'subscription'] as const;
