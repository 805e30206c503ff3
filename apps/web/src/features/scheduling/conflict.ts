import { ApiError } from '../../api/client';

/** slot_taken also says what is in the way: the chair, the provider, or a block. */
export function conflictMessage(error: unknown, errorMessage: (e: unknown) => string, t: (key: string) => string) {
  const base = errorMessage(error);
  if (!(error instanceof ApiError) || error.code !== 'slot_taken') return base;
  if (error.extra.conflictingBlockId) return `${base} ${t('calendar.conflict.block')}`;
  if (error.extra.conflictOn === 'chair') return `${base} ${t('calendar.conflict.chair')}`;
  if (error.extra.conflictOn === 'provider') return `${base} ${t('calendar.conflict.provider')}`;
  return base;
}
