import type { OutboundFetch } from '../../platform/http-client/outbound-fetch.js';
import { signAuroraPayload } from '../alerts/index.js';
import {
  DeliveryError,
  deliveryErrorFrom,
  responseExcerpt,
  retryAfterSeconds,
  retryableStatus,
} from './delivery-error.js';

export interface SignedWebhookRequest {
  url: string;
  signingSecret: string;
  body: string;
  eventType: string;
  deliveryId: string;
}

/**
 * POSTs a JSON body signed the way Aurora's own generic intake verifies: `X-Aurora-Timestamp: <unix seconds>` and
 * `X-Aurora-Signature: sha256=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>`. Any 2xx is success.
 */
export async function postSignedWebhook(
  fetch: OutboundFetch,
  request: SignedWebhookRequest,
  signal: AbortSignal,
  now = new Date(),
): Promise<void> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Aurora-Notifications/1',
        'x-aurora-event': request.eventType,
        'x-aurora-delivery': request.deliveryId,
        'x-aurora-timestamp': timestamp,
        'x-aurora-signature': `sha256=${signAuroraPayload(request.signingSecret, timestamp, request.body)}`,
      },
      body: request.body,
      signal,
    });
  } catch (error) {
    throw deliveryErrorFrom(error, 'Webhook');
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const excerpt = await responseExcerpt(response);
  throw new DeliveryError(
    `Webhook answered ${response.status}${excerpt ? ` ${excerpt}` : ''}`,
    retryableStatus(response.status),
    response.status === 429 ? retryAfterSeconds(response.headers.get('retry-after')) : undefined,
  );
}
