import type { OutboundFetch } from '../../platform/http-client/outbound-fetch.js';
import {
  DeliveryError,
  deliveryErrorFrom,
  responseExcerpt,
  retryAfterSeconds,
  retryableStatus,
} from './delivery-error.js';

export interface SlackPayload {
  text: string;
  blocks: unknown[];
}

/**
 * Incoming webhook: POST the message to the webhook URL (a credential, and user-supplied, so it goes through the
 * SSRF-guarded fetch). Slack answers 200 `ok`, or an error code as plain text (`invalid_payload`, `no_service`,
 * `channel_not_found`, `channel_is_archived`, `action_prohibited`) with a 4xx, or 429 with Retry-After.
 * https://api.slack.com/messaging/webhooks#handling_errors
 */
export async function postSlackWebhook(
  fetch: OutboundFetch,
  webhookUrl: string,
  payload: SlackPayload,
  signal: AbortSignal,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(payload),
      signal,
    });
  } catch (error) {
    throw deliveryErrorFrom(error, 'Slack webhook');
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const excerpt = await responseExcerpt(response);
  throw new DeliveryError(
    `Slack webhook answered ${response.status}${excerpt ? ` ${excerpt}` : ''}`,
    retryableStatus(response.status),
    response.status === 429 ? retryAfterSeconds(response.headers.get('retry-after')) : undefined,
  );
}

// chat.postMessage errors a later attempt can fix; everything else (channel_not_found, not_in_channel, invalid_auth,
// token_revoked, is_archived, msg_too_long, …) needs a person.
const transientSlackErrors = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

export interface PostMessageInput extends SlackPayload {
  channel: string;
  threadTs?: string;
  /** Also show a thread reply in the channel (used for the outcome of an investigation). */
  replyBroadcast?: boolean;
}

/**
 * Web API `chat.postMessage` with a bot token. Slack answers HTTP 200 with `{ok: true, channel, ts}` or
 * `{ok: false, error}`, and HTTP 429 with Retry-After when rate limited. The API base is operator configuration
 * (trusted), so the plain fetch is used. https://api.slack.com/methods/chat.postMessage
 */
export async function postSlackMessage(
  apiUrl: string,
  botToken: string,
  input: PostMessageInput,
  signal: AbortSignal,
): Promise<{ channel: string; ts: string }> {
  const body: Record<string, unknown> = {
    channel: input.channel,
    text: input.text,
    blocks: input.blocks,
    unfurl_links: false,
  };
  if (input.threadTs) {
    body.thread_ts = input.threadTs;
    if (input.replyBroadcast) body.reply_broadcast = true;
  }
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal,
      redirect: 'error',
    });
  } catch (error) {
    throw deliveryErrorFrom(error, 'Slack chat.postMessage');
  }
  if (!response.ok) {
    const excerpt = await responseExcerpt(response);
    throw new DeliveryError(
      `Slack chat.postMessage answered ${response.status}${excerpt ? ` ${excerpt}` : ''}`,
      retryableStatus(response.status),
      response.status === 429 ? retryAfterSeconds(response.headers.get('retry-after')) : undefined,
    );
  }
  let answer: { ok?: unknown; error?: unknown; channel?: unknown; ts?: unknown };
  try {
    answer = (await response.json()) as typeof answer;
  } catch {
    throw new DeliveryError('Slack chat.postMessage answered with something that is not JSON', true);
  }
  if (answer.ok !== true) {
    const code = typeof answer.error === 'string' ? answer.error.slice(0, 100) : 'unknown_error';
    throw new DeliveryError(`Slack chat.postMessage failed: ${code}`, transientSlackErrors.has(code));
  }
  if (typeof answer.ts !== 'string' || typeof answer.channel !== 'string') {
    throw new DeliveryError('Slack chat.postMessage answered ok without channel and ts', false);
  }
  return { channel: answer.channel, ts: answer.ts };
}
