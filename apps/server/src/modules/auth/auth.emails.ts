import type { MailMessage } from '../../platform/mail.js';

export function passwordResetEmail(m: { to: string; name: string; link: string; language: 'en' | 'fr' }): MailMessage {
  if (m.language === 'fr') {
    return {
      to: m.to,
      subject: 'DentalPro : réinitialiser votre mot de passe',
      text: `Bonjour ${m.name},\n\nPour choisir un nouveau mot de passe DentalPro, ouvrez ce lien (valable une heure) :\n${m.link}\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.\n`,
    };
  }
  return {
    to: m.to,
    subject: 'DentalPro: reset your password',
    text: `Hello ${m.name},\n\nTo choose a new DentalPro password, open this link (valid for one hour):\n${m.link}\n\nIf you did not ask for this, ignore this message: your password stays as it is.\n`,
  };
}
