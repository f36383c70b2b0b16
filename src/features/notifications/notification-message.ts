import type { NotificationEventType, NotificationMessage } from './notifications.schema.js';

/**
 * How one notification reads in each channel. Written for someone paged at 3 a.m.: what broke, how bad, where,
 * what Aurora found (or why it could not), and a link. Every field comes from the message captured at notify time.
 */

const headlines: Record<NotificationEventType, string> = {
  'investigation.started': 'Investigation started',
  'investigation.finished': 'Root cause analysis ready',
  'investigation.failed': 'Investigation failed',
};

const statuses: Record<NotificationEventType, string> = {
  'investigation.started': 'investigating',
  'investigation.finished': 'analysed',
  'investigation.failed': 'failed',
};

const emoji: Record<NotificationEventType, string> = {
  'investigation.started': ':mag:',
  'investigation.finished': ':white_check_mark:',
  'investigation.failed': ':x:',
};

export function headline(message: NotificationMessage): string {
  return message.test ? 'Test notification' : headlines[message.type];
}

export function statusOf(message: NotificationMessage): string {
  return statuses[message.type];
}

/** Cuts text to `max` characters on a word boundary where one is near, marking the cut. */
export function truncate(text: string, max: number): string {
  const clean = text.trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.8 ? cut.slice(0, space) : cut}…`;
}

/** One line, no control characters: for subjects and headers. */
function singleLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** The facts as label/value pairs, in the order a responder reads them. */
export function facts(message: NotificationMessage): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['Severity', message.incident.severity],
    ['Service', message.incident.service ?? 'unknown'],
    ['Status', statusOf(message)],
  ];
  if (message.confidence) rows.push(['Confidence', message.confidence]);
  return rows;
}

/** Plain text: the email body, and Slack's notification/fallback text. */
export function plainText(message: NotificationMessage): string {
  const lines = [
    `${headline(message)}: ${singleLine(message.incident.title)}`,
    facts(message)
      .map(([label, value]) => `${label}: ${value}`)
      .join(' | '),
  ];
  if (message.test) lines.push('Aurora can reach this channel. Investigation updates will arrive here.');
  if (message.rootCause) lines.push('', `Root cause: ${truncate(message.rootCause, 1500)}`);
  if (message.summary) lines.push('', `Summary: ${truncate(message.summary, 1500)}`);
  if (message.error) lines.push('', `Error: ${truncate(message.error, 800)}`);
  if (message.incident.url) lines.push('', `Open the incident: ${message.incident.url}`);
  return lines.join('\n');
}

export function emailSubject(message: NotificationMessage): string {
  const confidence = message.confidence ? ` (${message.confidence})` : '';
  const title = truncate(singleLine(message.incident.title), 150);
  return `[Aurora][${message.incident.severity}] ${headline(message)}${confidence}: ${title}`;
}

/** Slack mrkdwn treats &, < and > as control characters (links, mentions like <!channel>); escape them. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Block Kit message with `text` as the fallback Slack shows in notifications and to clients without blocks. */
export function slackMessage(message: NotificationMessage): { text: string; blocks: unknown[] } {
  const title = singleLine(message.incident.title);
  // Slack's fallback text is shown in push notifications: keep it to the essentials.
  const text = truncate(
    `${headline(message)}: ${title} (${message.incident.severity}, ${message.incident.service ?? 'unknown service'})${
      message.confidence ? ` — ${message.confidence}` : ''
    }`,
    300,
  );
  const blocks: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(`${headline(message)}: ${title}`, 150), emoji: true },
    },
    {
      type: 'section',
      fields: facts(message).map(([label, value]) => ({
        type: 'mrkdwn',
        text: `*${label}*\n${escapeSlack(truncate(value, 200))}`,
      })),
    },
  ];
  const section = (label: string, value: string, max: number) =>
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${label}*\n${escapeSlack(truncate(value, max))}` },
    });
  if (message.test) section('Test', 'Aurora can reach this channel. Investigation updates will arrive here.', 200);
  if (message.rootCause) section('Root cause', message.rootCause, 1500);
  if (message.summary) section('Summary', message.summary, 1500);
  if (message.error) section('Error', message.error, 800);
  const context = [`${emoji[message.type]} Aurora · ${new Date(message.occurredAt).toISOString()}`];
  if (message.incident.url) context.push(`<${message.incident.url}|Open the incident>`);
  blocks.push({ type: 'context', elements: context.map((entry) => ({ type: 'mrkdwn', text: entry })) });
  return { text, blocks };
}

/** The signed webhook's JSON body. */
export function webhookBody(message: NotificationMessage, deliveryId: string): string {
  return JSON.stringify({
    id: deliveryId,
    type: message.test ? 'notification.test' : message.type,
    occurredAt: message.occurredAt,
    incident: message.incident,
    status: statusOf(message),
    ...(message.summary !== undefined ? { summary: message.summary } : {}),
    ...(message.confidence !== undefined ? { confidence: message.confidence } : {}),
    ...(message.rootCause !== undefined ? { rootCause: message.rootCause } : {}),
    ...(message.error !== undefined ? { error: message.error } : {}),
  });
}
