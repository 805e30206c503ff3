import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it, with just enough MIME decoding to read it. */
export interface CaughtMail {
  envelopeTo: string[];
  raw: string;
  /** Header names lower-cased, folded lines joined, encoded words decoded. */
  headers: Record<string, string>;
  subject: string;
  /** The text/plain body, transfer encoding undone. */
  text: string;
}

export interface SmtpCatcher {
  /** For config.smtpUrl; STARTTLS is off so nodemailer talks plain SMTP to us. */
  url: string;
  messages: CaughtMail[];
  /** While true the server refuses every message (550), as a broken mail relay would. */
  refuseMail: boolean;
  /** Messages whose envelope goes to this address (case-insensitive). */
  to(email: string): CaughtMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on a free loopback port that keeps every message. The message is stored
 * before the server answers 250, so once the mailer's send resolves (and with it the HTTP
 * request that sent it), the message is already here.
 */
export async function startSmtpCatcher(): Promise<SmtpCatcher> {
  const messages: CaughtMail[] = [];
  const state = { refuseMail: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        if (state.refuseMail) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          raw,
          ...parseMessage(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    messages,
    get refuseMail() {
      return state.refuseMail;
    },
    set refuseMail(value: boolean) {
      state.refuseMail = value;
    },
    to: (email) => messages.filter((m) => m.envelopeTo.includes(email.toLowerCase())),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first http(s) link in a text whose path starts with `pathPrefix`. */
export function linkIn(text: string, pathPrefix: string): URL | undefined {
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const url = new URL(match[0]);
    if (url.pathname.startsWith(pathPrefix)) return url;
  }
  return undefined;
}

function parseMessage(raw: string): { headers: Record<string, string>; subject: string; text: string } {
  const { headers, body } = splitEntity(raw);
  return { headers, subject: headers.subject ?? '', text: textOf(headers, body) };
}

function splitEntity(entity: string) {
  const normalised = entity.replace(/\r\n/g, '\n');
  const end = normalised.indexOf('\n\n');
  const head = end === -1 ? normalised : normalised.slice(0, end);
  const body = end === -1 ? '' : normalised.slice(end + 2);
  const headers: Record<string, string> = {};
  // Folded header lines continue with leading whitespace.
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = decodeEncodedWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function textOf(headers: Record<string, string>, body: string): string {
  const contentType = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (/^multipart\//i.test(contentType) && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const inner = splitEntity(part.replace(/^\n/, ''));
      const text = textOf(inner.headers, inner.body);
      if (text) return text;
    }
    return '';
  }
  if (!/^text\/plain/i.test(contentType)) return '';
  return decodeTransfer(body, headers['content-transfer-encoding'] ?? '7bit');
}

function decodeTransfer(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

/** Soft line breaks ("=" at the end of a line) vanish; =XX are bytes of UTF-8. */
function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words, as nodemailer writes non-ASCII subjects: =?UTF-8?Q?...?= or =?UTF-8?B?...?= */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}
