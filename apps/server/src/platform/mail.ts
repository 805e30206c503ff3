import nodemailer from 'nodemailer';
import type { Logger } from './logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** True when the message went to an SMTP server; false when it was only written to the log. */
  send(message: MailMessage): Promise<{ delivered: boolean }>;
}

/**
 * Mail goes to SMTP_URL through nodemailer. Without SMTP (trying DentalPro out) the message is
 * written to the log instead and the caller shows its link on screen. Our emails are account
 * messages to staff (invitations, password resets), never patient data.
 */
export function createMailer(opts: { smtpUrl?: string; from: string; logger: Logger }): Mailer {
  if (!opts.smtpUrl) {
    return {
      async send(message) {
        opts.logger.info(
          { mail: { to: message.to, subject: message.subject, content: message.text } },
          'email not sent (SMTP_URL is not set); its content follows',
        );
        return { delivered: false };
      },
    };
  }
  const transport = nodemailer.createTransport(opts.smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from: opts.from, ...message });
      return { delivered: true };
    },
  };
}
