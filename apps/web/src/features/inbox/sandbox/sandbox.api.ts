import type { SandboxPhoneMessage, SandboxSendInput } from '@dentalpro/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, apiUrl } from '../../../api/client';
import type { SandboxStateBody } from '../../../api/contracts';
import { useEventStream } from '../../../api/events';
import { isSandboxPhoneMessage, mergePhoneMessage } from './phone-payload';

export interface PhoneChat {
  items: SandboxPhoneMessage[];
}

export const sandboxKeys = {
  state: ['sandbox', 'whatsapp'] as const,
  chat: (phoneNumberId: string, waId: string) => ['sandbox', 'whatsapp', 'chat', phoneNumberId, waId] as const,
};

/** Whether this server plays Meta itself (no Meta credentials configured), and the practice numbers it serves. */
export function useSandboxState(enabled = true) {
  return useQuery({
    queryKey: sandboxKeys.state,
    queryFn: () => api.get<SandboxStateBody>('/sandbox/whatsapp'),
    enabled,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useSandboxChat(phoneNumberId: string | null, waId: string | null) {
  return useQuery({
    queryKey: sandboxKeys.chat(phoneNumberId ?? '', waId ?? ''),
    queryFn: ({ signal }) => api.get<PhoneChat>('/sandbox/whatsapp/chat', { phoneNumberId, waId }, signal),
    enabled: phoneNumberId !== null && waId !== null,
  });
}

/** Each event is a message of this chat, new or with a new status: merged into the loaded chat by wamid. */
export function useSandboxEvents(phoneNumberId: string | null, waId: string | null) {
  const queryClient = useQueryClient();
  const onEvent = useCallback(
    (data: string) => {
      if (phoneNumberId === null || waId === null) return;
      let message: unknown;
      try {
        message = JSON.parse(data);
      } catch {
        return;
      }
      if (!isSandboxPhoneMessage(message)) return;
      const key = sandboxKeys.chat(phoneNumberId, waId);
      if (!queryClient.getQueryData(key)) return void queryClient.invalidateQueries({ queryKey: key });
      queryClient.setQueryData<PhoneChat>(key, (chat) =>
        chat ? { items: mergePhoneMessage(chat.items, message) } : chat,
      );
    },
    [queryClient, phoneNumberId, waId],
  );
  const onResync = useCallback(() => {
    if (phoneNumberId !== null && waId !== null)
      void queryClient.invalidateQueries({ queryKey: sandboxKeys.chat(phoneNumberId, waId) });
  }, [queryClient, phoneNumberId, waId]);
  const url =
    phoneNumberId !== null && waId !== null ? apiUrl('/sandbox/whatsapp/events', { phoneNumberId, waId }) : null;
  useEventStream(url, onEvent, onResync);
}

export const sandboxApi = {
  send: (input: SandboxSendInput) => api.post<{ wamid: string }>('/sandbox/whatsapp/messages', input),
  read: (input: { phoneNumberId: string; waId: string }) => api.post<void>('/sandbox/whatsapp/read', input),
};
