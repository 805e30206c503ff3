import type { StaffNotification } from '@dentalpro/contracts';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import fr from '../../i18n/fr.json';
import { describeNotification, notificationTarget } from './notification-text';

/** The owners' WhatsApp template alerts, in English and French: what happened and what to do. */

const PRACTICE = 'a0a0a0a0-0000-4000-8000-000000000000';

async function wordsIn(language: 'en' | 'fr') {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
  return (key: string, values?: Record<string, string | number>) => i18n.t(key, values);
}

function alert(
  kind: StaffNotification['kind'],
  template: Partial<NonNullable<StaffNotification['whatsappTemplate']>>,
): StaffNotification {
  return {
    id: 'b1b1b1b1-1111-4111-8111-111111111111',
    kind,
    createdAt: '2026-12-07T08:00:00.000Z',
    readAt: null,
    patient: null,
    appointment: null,
    previousStart: null,
    conversationId: null,
    reason: null,
    failureReason: null,
    privacyRequest: null,
    whatsappTemplate: {
      name: 'appointment_reminder',
      language: 'en',
      code: null,
      previousCategory: null,
      newCategory: null,
      ...template,
    },
  };
}

const when = (iso: string) => iso;

describe('WhatsApp template alerts', () => {
  it('say what Meta did and what the owner does about it, in English', async () => {
    const t = await wordsIn('en');
    expect(describeNotification(alert('whatsapp_template_problem', { code: 132015 }), t, when)).toBe(
      'WhatsApp paused the template “appointment_reminder” (en) for low quality: messages using it fail. Edit it in WhatsApp Manager or choose another, then Sync templates in Settings → WhatsApp.',
    );
    expect(describeNotification(alert('whatsapp_template_problem', { code: 132016 }), t, when)).toContain(
      'disabled the template',
    );
    expect(describeNotification(alert('whatsapp_template_problem', { code: 132001 }), t, when)).toContain(
      'does not exist in en',
    );
    expect(describeNotification(alert('whatsapp_template_problem', { code: 132000 }), t, when)).toContain(
      'code 132000',
    );
    expect(
      describeNotification(
        alert('whatsapp_template_recategorised', { previousCategory: 'UTILITY', newCategory: 'MARKETING' }),
        t,
        when,
      ),
    ).toContain('from utility to marketing');
    expect(describeNotification(alert('whatsapp_marketing_limited', { code: 131049 }), t, when)).toContain(
      "Meta's limit per person",
    );
  });

  it('in French too, and they open Settings → WhatsApp', async () => {
    const t = await wordsIn('fr');
    expect(describeNotification(alert('whatsapp_template_problem', { code: 132015 }), t, when)).toContain(
      'WhatsApp a suspendu le modèle « appointment_reminder »',
    );
    expect(
      describeNotification(
        alert('whatsapp_template_recategorised', { previousCategory: 'UTILITY', newCategory: 'MARKETING' }),
        t,
        when,
      ),
    ).toContain('de utilitaire à marketing');
    expect(notificationTarget(alert('whatsapp_marketing_limited', {}), PRACTICE, 'Indian/Mauritius')).toBe(
      `/app/${PRACTICE}/settings/whatsapp`,
    );
  });
});
