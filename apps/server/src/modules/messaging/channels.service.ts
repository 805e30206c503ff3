import type { Actor } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { sealForPractice } from '../../platform/data-keys.js';
import { AppError } from '../../platform/errors.js';
import type { Tx } from '../../platform/tenancy.js';

/**
 * WhatsApp channels: which WhatsApp Business number belongs to which practice. The messaging
 * capability (webhooks, outbound, inbox) builds on this; for now a channel is created with a
 * practice from the command line.
 */
export async function createChannelIn(
  tx: Tx,
  input: { actor: Actor; practiceId: string; phoneNumberId: string; accessToken?: string; masterKey: Buffer },
): Promise<{ id: string; phoneNumberId: string }> {
  if (!/^[0-9]{5,32}$/.test(input.phoneNumberId)) {
    throw new AppError('validation_failed', { errors: [{ path: 'phoneNumberId', message: 'A WhatsApp phone_number_id is the numeric id Meta shows for the number' }] });
  }
  // Row-level security hides other practices' channels, so the unique key is what finds a number already in use.
  const { id } = await tx
    .insertInto('whatsappChannels')
    .values({ practiceId: input.practiceId, phoneNumberId: input.phoneNumberId, accessTokenEncrypted: null })
    .returning('id')
    .executeTakeFirstOrThrow()
    .catch((err: { code?: string }) => {
      if (err.code === '23505') throw new AppError('duplicate_name', { detail: `The WhatsApp number ${input.phoneNumberId} is already connected to a practice` });
      throw err;
    });
  if (input.accessToken) {
    const sealed = await sealForPractice(tx, input.masterKey, input.practiceId, input.accessToken, `whatsapp-channel:${id}:token`);
    await tx.updateTable('whatsappChannels').set({ accessTokenEncrypted: sealed }).where('id', '=', id).execute();
  }
  await recordAudit(tx, {
    practiceId: input.practiceId,
    actor: input.actor,
    action: 'whatsapp.channel_created',
    targetType: 'whatsapp_channel',
    targetId: id,
    changes: { phoneNumberId: input.phoneNumberId, accessToken: Boolean(input.accessToken) },
  });
  return { id, phoneNumberId: input.phoneNumberId };
}
