/**
 * A real SMTP server for tests (the smtp-server package), bound to 127.0.0.1 on a free port. It
 * parses what it receives with mailparser and can answer recipients with chosen SMTP errors, so
 * the real protocol — not a mocked transport — is what enrolld is tested against.
 */
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  /** How many RCPT commands each address has seen (accepted or not). */
  rcptCount: Map<string, number>;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface SinkOptions {
  /** Answer a RCPT TO with an SMTP error: return e.g. `{code: 451, message: 'try later'}`. */
  rejectRecipient?: (address: string, attempt: number) => { code: number; message: string } | null;
  /** Wait this long before accepting each message (to make a drain slow enough to interrupt). */
  delayMs?: number;
  /** Require AUTH (PLAIN/LOGIN, allowed without TLS on loopback) with exactly these credentials. */
  credentials?: { username: string; password: string };
}

export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const rcptCount = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: !options.credentials,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      const wanted = options.credentials;
      if (wanted && auth.username === wanted.username && auth.password === wanted.password) return callback(null, { user: auth.username });
      callback(new Error('Invalid username or password'));
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const attempt = (rcptCount.get(address.address) ?? 0) + 1;
      rcptCount.set(address.address, attempt);
      const rejection = options.rejectRecipient?.(address.address, attempt);
      if (rejection) {
        const error = new Error(rejection.message) as Error & { responseCode: number };
        error.responseCode = rejection.code;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = await simpleParser(raw);
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
        callback();
      });
    },
  });
  // A client vanishing mid-session (a worker killed with SIGKILL) is an event to tolerate here.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rcptCount,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  return [field ?? []].flat().flatMap((group) => group.value.map((a) => a.address ?? ''));
}
