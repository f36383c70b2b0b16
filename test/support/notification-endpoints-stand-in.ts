import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * Where notifications land in the tests:
 * - a stand-in for a customer's webhook endpoint that verifies Aurora's signature the way a receiver would, with its
 *   own HMAC code (not Aurora's), and can be told to fail the next requests;
 * - a real SMTP server (the `smtp-server` package) on a loopback port that keeps every message it accepts.
 */

export interface ReceivedWebhook {
  headers: Record<string, string | undefined>;
  body: string;
  json: Record<string, unknown>;
  signatureValid: boolean;
}

export class WebhookReceiverStandIn {
  readonly received: ReceivedWebhook[] = [];
  /** Statuses to answer with before accepting (e.g. [500] fails once). */
  readonly failures: Array<{ status: number; headers?: Record<string, string> }> = [];
  signingSecret = '';
  requests = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiverStandIn> {
    let instance: WebhookReceiverStandIn | undefined;
    const server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const receiver = instance as WebhookReceiverStandIn;
      receiver.requests += 1;
      const failure = receiver.failures.shift();
      if (failure) {
        response.writeHead(failure.status, failure.headers).end('receiver not ready');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : value]),
      );
      const signatureValid = verify(receiver.signingSecret, headers, body);
      receiver.received.push({ headers, body, json: JSON.parse(body) as Record<string, unknown>, signatureValid });
      response.writeHead(signatureValid ? 204 : 401).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    instance = new WebhookReceiverStandIn(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/aurora`);
    return instance;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A receiver's check: HMAC-SHA256 over "{timestamp}.{body}", timestamp within five minutes. */
function verify(secret: string, headers: Record<string, string | undefined>, body: string): boolean {
  const timestamp = headers['x-aurora-timestamp'] ?? '';
  const signature = headers['x-aurora-signature'] ?? '';
  if (!secret || !/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface ReceivedMail {
  from: string;
  to: string[];
  user: string | undefined;
  secure: boolean;
  raw: string;
  headers: Map<string, string>;
  /** The text body, quoted-printable decoded. */
  text: string;
}

export class SmtpTestServer {
  readonly messages: ReceivedMail[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  /** A real SMTP server on 127.0.0.1; `credentials` makes AUTH required and checked. */
  static async start(
    options: { credentials?: { user: string; password: string }; smtp?: Partial<SMTPServerOptions> } = {},
  ): Promise<SmtpTestServer> {
    let instance: SmtpTestServer | undefined;
    const server = new SMTPServer({
      authOptional: !options.credentials,
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        const expected = options.credentials;
        if (expected && auth.username === expected.user && auth.password === expected.password) {
          return callback(null, { user: auth.username });
        }
        return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          instance?.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            user: session.user as string | undefined,
            secure: session.secure,
            raw,
            ...parseMessage(raw),
          });
          callback();
        });
      },
      ...options.smtp,
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.server.address() as AddressInfo).port;
    instance = new SmtpTestServer(server, port);
    return instance;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function parseMessage(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.slice(split + 4);
  if ((headers.get('content-transfer-encoding') ?? '').toLowerCase() === 'quoted-printable') {
    const bytes = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    body = Buffer.from(bytes, 'latin1').toString('utf8');
  } else if ((headers.get('content-transfer-encoding') ?? '').toLowerCase() === 'base64') {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { headers, text: body.replace(/\r\n/g, '\n') };
}
