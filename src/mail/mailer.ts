import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailResult {
  /** Where it went: "smtp" or the .eml file written to the outbox. */
  delivery: 'smtp' | 'outbox';
  location: string | null;
}

export interface Mailer {
  send(mail: Mail): Promise<MailResult>;
}

/**
 * SMTP when SMTP_URL is set (smtp:// with STARTTLS when offered, smtps:// for implicit TLS); otherwise
 * every message is written as an .eml file under DATA_DIR/outbox/ so an operator can still find links.
 */
export function createMailer(options: { smtpUrl?: string; from: string; dataDir: string; logger: Logger }): Mailer {
  if (options.smtpUrl) {
    const transport: Transporter = nodemailer.createTransport(options.smtpUrl, { from: options.from });
    return {
      async send(mail) {
        await transport.sendMail({ from: options.from, ...mail });
        return { delivery: 'smtp', location: null };
      },
    };
  }
  const outbox = path.join(options.dataDir, 'outbox');
  options.logger.info({ outbox }, 'SMTP_URL is not set: outgoing mail (invitations) is written as .eml files to the outbox');
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await stream.sendMail({ from: options.from, ...mail });
      mkdirSync(outbox, { recursive: true });
      const file = path.join(outbox, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^\w.-]/g, '')}.eml`);
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      options.logger.info({ file, to: mail.to, subject: mail.subject }, 'no SMTP_URL: mail written to outbox');
      return { delivery: 'outbox', location: file };
    },
  };
}
