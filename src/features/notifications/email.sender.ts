import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import { type OutboundPolicy, refusalFor } from '../../platform/http-client/outbound-policy.js';
import { DeliveryError } from './delivery-error.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** `tls`: implicit TLS (port 465); `starttls`: upgrade required (port 587); `none`: plain text (a local relay). */
  security: 'tls' | 'starttls' | 'none';
  user: string | null;
  password: string | null;
  from: string;
  to: string[];
}

export interface EmailContent {
  subject: string;
  text: string;
  headers: Record<string, string>;
}

/**
 * Resolves the SMTP host and checks every address against the outbound policy, like the HTTP client does, so an
 * org cannot point Aurora's SMTP client at an internal service. The connection then goes to the checked address
 * (no second lookup to rebind), with the host name kept for TLS verification (SNI and certificate name).
 */
async function checkedAddress(host: string, policy: OutboundPolicy): Promise<string> {
  const addresses = isIP(host) !== 0 ? [{ address: host }] : await lookup(host, { all: true });
  for (const { address } of addresses) {
    const refusal = refusalFor(host, address, policy);
    if (refusal) throw new DeliveryError(`SMTP: ${refusal}`, false);
  }
  const first = addresses[0];
  if (!first) throw new DeliveryError(`SMTP: ${host} has no address`, true);
  return first.address;
}

/** SMTP reply codes 4xx are transient by definition (RFC 5321 §4.2.1); 5xx and authentication failures are not. */
function smtpError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const failure = error as {
    code?: string;
    responseCode?: number;
    response?: string;
    message?: string;
    command?: string;
  };
  const answer = (failure.response ?? failure.message ?? String(error)).replace(/\s+/g, ' ').trim().slice(0, 300);
  // Which command the server refused (STARTTLS, AUTH PLAIN, RCPT TO) is half of the diagnosis.
  const detail = failure.command && failure.command !== 'CONN' ? `${answer} (in reply to ${failure.command})` : answer;
  if (failure.code === 'EAUTH') return new DeliveryError(`SMTP authentication failed: ${detail}`, false);
  if (failure.code === 'ENOTFOUND') return new DeliveryError(`SMTP: ${detail}`, true);
  if (typeof failure.responseCode === 'number') {
    return new DeliveryError(`SMTP server answered ${detail}`, failure.responseCode < 500);
  }
  // Connection refused or reset, TLS handshake or timeouts: the server may be back later.
  return new DeliveryError(`SMTP: ${detail}${failure.code ? ` (${failure.code})` : ''}`, failure.code !== 'ETLS');
}

/** Sends one message over SMTP: one connection per message (notifications are rare), closed afterwards. */
export async function sendEmail(
  settings: SmtpSettings,
  content: EmailContent,
  options: { policy: OutboundPolicy; timeoutMs: number; signal: AbortSignal },
): Promise<void> {
  let address: string;
  try {
    address = await checkedAddress(settings.host, options.policy);
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    throw new DeliveryError(
      `SMTP: cannot resolve ${settings.host} (${(error as { code?: string }).code ?? 'error'})`,
      true,
    );
  }
  const transport = nodemailer.createTransport({
    host: address,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    ...(isIP(settings.host) === 0 ? { servername: settings.host } : {}),
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const abort = () => transport.close();
  options.signal.addEventListener('abort', abort, { once: true });
  try {
    await transport.sendMail({
      from: settings.from,
      to: settings.to,
      subject: content.subject,
      text: content.text,
      headers: content.headers,
    });
  } catch (error) {
    if (options.signal.aborted) throw new DeliveryError('SMTP: timed out', true);
    throw smtpError(error);
  } finally {
    options.signal.removeEventListener('abort', abort);
    transport.close();
  }
}
