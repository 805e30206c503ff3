import type { Role } from '@dentalpro/contracts';
import type { MailMessage } from '../../platform/mail.js';

const ROLE_NAMES: Record<'en' | 'fr', Record<Role, string>> = {
  en: { owner: 'owner', dentist: 'dentist', hygienist: 'hygienist', receptionist: 'receptionist' },
  fr: { owner: 'propriétaire', dentist: 'dentiste', hygienist: 'hygiéniste', receptionist: 'réceptionniste' },
};

export function invitationEmail(m: {
  to: string;
  practiceName: string;
  role: Role;
  link: string;
  language: 'en' | 'fr';
}): MailMessage {
  const role = ROLE_NAMES[m.language][m.role];
  if (m.language === 'fr') {
    return {
      to: m.to,
      subject: `Invitation à rejoindre ${m.practiceName} sur DentalPro`,
      text: `Bonjour,\n\nVous êtes invité(e) à rejoindre ${m.practiceName} sur DentalPro en tant que ${role}.\nOuvrez ce lien (valable 7 jours) pour accepter :\n${m.link}\n`,
    };
  }
  return {
    to: m.to,
    subject: `You are invited to join ${m.practiceName} on DentalPro`,
    text: `Hello,\n\nYou are invited to join ${m.practiceName} on DentalPro as ${role}.\nOpen this link (valid for 7 days) to accept:\n${m.link}\n`,
  };
}
