/**
 * Where invitations go: pooled SMTP from SMTP_URL (smtp:// with STARTTLS when offered, smtps://,
 * credentials in the URL), or — without SMTP_URL — the dev mailbox, which writes each message
 * as a .eml file under <data dir>/mail (a folder 0700, files 0600: they hold codes) and logs one
 * line per message, which names the recipient and the file but never the link or code.
 *
 * nodemailer is loaded, and the pool or composer made, by the first message a process sends:
 * `enrolld serve` creates its transport at start-up and may never send (loading nodemailer took
 * every start about 50 ms and 39 modules).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type StreamTransport from 'nodemailer/lib/stream-transport';
import type { Config } from '../../config.ts';
import { PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE } from '../../lib/private-files.ts';

export interface OutgoingMail {
  from: string;
  to: { name: string; address: string };
  subject: string;
  html: string;
  text: string;
  messageId: string;
  language: string;
  attachments: Array<{ filename: string; content: Buffer; contentType: string; cid: string }>;
}

export interface MailTransport {
  /** How many messages it can usefully send at once. */
  concurrency: number;
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** Connections kept open to the SMTP server; also how many messages the worker sends at once. */
export const SMTP_POOL_SIZE = 5;

let nodemailer: Promise<typeof import('nodemailer')> | undefined;
const loadNodemailer = () => (nodemailer ??= import('nodemailer'));

/** A nodemailer transporter made on first use; closing before then leaves nothing to close. */
function lazyTransporter<T extends Transporter>(create: (mailer: typeof import('nodemailer')) => T) {
  let transporter: T | undefined;
  let creating: Promise<T> | undefined;
  let closed = false;
  return {
    get(): Promise<T> {
      if (transporter) return Promise.resolve(transporter);
      creating ??= loadNodemailer().then((mailer) => {
        transporter = create(mailer);
        if (closed) transporter.close();
        return transporter;
      });
      return creating;
    },
    close(): void {
      closed = true;
      transporter?.close();
    },
  };
}

export function createSmtpTransport(smtpUrl: string, options: { timeoutMs?: number } = {}): MailTransport {
  const url = new URL(smtpUrl);
  const timeout = options.timeoutMs ?? 30_000;
  const transporter = lazyTransporter<Transporter<SMTPPool.SentMessageInfo>>((mailer) =>
    mailer.createTransport({
      pool: true,
      maxConnections: SMTP_POOL_SIZE,
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    }),
  );
  return {
    concurrency: SMTP_POOL_SIZE,
    async send(mail) {
      await (await transporter.get()).sendMail({ ...mail, headers: { 'Content-Language': mail.language } });
    },
    close: () => transporter.close(),
  };
}

export function createDevMailbox(dataDir: string, log: (line: string) => void): MailTransport {
  const folder = path.join(dataDir, 'mail');
  const composer = lazyTransporter<Transporter<StreamTransport.SentMessageInfo>>((mailer) =>
    mailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }),
  );
  return {
    concurrency: 4,
    async send(mail) {
      const info = await (await composer.get()).sendMail({ ...mail, headers: { 'Content-Language': mail.language } });
      // Messages carry live enrollment codes: only enrolld's own user may read them.
      await mkdir(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
      const file = path.join(folder, `${mail.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`);
      // Write then rename, so whoever watches the folder never reads a half-written message.
      await writeFile(`${file}.partial`, info.message as Buffer, { mode: PRIVATE_FILE_MODE });
      await rename(`${file}.partial`, file);
      log(`dev mailbox: ${mail.to.address} "${mail.subject}" → ${file}`);
    },
    close: () => composer.close(),
  };
}

export function createMailTransport(config: Pick<Config, 'smtpUrl' | 'dataDir'>, log: (line: string) => void): MailTransport {
  return config.smtpUrl ? createSmtpTransport(config.smtpUrl) : createDevMailbox(config.dataDir, log);
}
