import { z } from 'zod';
import { channelKinds, notificationEventTypes } from './notifications.schema.js';

/** Zod schemas shared by the routes (validation, OpenAPI) and the service. */

const eventList = z
  .array(z.enum(notificationEventTypes))
  .min(1)
  .max(notificationEventTypes.length)
  .refine((events) => new Set(events).size === events.length, 'list each event once')
  .describe('which events this channel receives; default all');

const common = {
  enabled: z.boolean().optional().describe('default true'),
  events: eventList.optional(),
};

// A Slack channel name (with or without #) or a channel id (C…, G…).
const slackChannel = z
  .string()
  .trim()
  .regex(
    /^#?[\p{Ll}\p{Lo}\p{N}_.-]{1,80}$|^[CGD][A-Z0-9]{6,}$/u,
    'a channel name like #incidents or an id like C0123ABCD',
  );

export const slackInput = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('webhook'),
    webhookUrl: z
      .string()
      .max(2000)
      .optional()
      .describe('the incoming webhook URL (a credential: stored as a secret, never returned); omit to keep'),
    ...common,
  }),
  z.object({
    mode: z.literal('bot'),
    botToken: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .describe('a bot token (xoxb-…) with chat:write; stored as a secret, never returned; omit to keep'),
    channel: slackChannel,
    ...common,
  }),
]);

export const emailInput = z.object({
  host: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$|^\[?[0-9a-fA-F:.]+\]?$/, 'a host name or IP address'),
  port: z.number().int().min(1).max(65535).optional().describe('default 465 for tls, 587 for starttls, 25 for none'),
  security: z
    .enum(['tls', 'starttls', 'none'])
    .default('starttls')
    .describe('tls: implicit TLS; starttls: upgrade required; none: plain text (local relays only)'),
  user: z.string().trim().min(1).max(320).nullable().optional(),
  password: z
    .string()
    .min(1)
    .max(1000)
    .nullable()
    .optional()
    .describe('stored as a secret, never returned; omit to keep, null to remove'),
  from: z.email().max(320),
  to: z.array(z.email().max(320)).min(1).max(50),
  ...common,
});

export const webhookInput = z.object({
  url: z.string().max(2000).describe('where Aurora POSTs signed JSON'),
  rotateSecret: z.boolean().optional().describe('issue a new signing secret (shown once in the response)'),
  ...common,
});

export const settingsInput = z
  .object({
    slack: slackInput.nullable().optional(),
    email: emailInput.nullable().optional(),
    webhook: webhookInput.nullable().optional(),
  })
  .describe(
    'each channel given replaces that channel (secrets omitted are kept); null removes it; omitted is unchanged',
  );

export type SettingsInput = z.infer<typeof settingsInput>;
export type SlackInput = z.infer<typeof slackInput>;
export type EmailInput = z.infer<typeof emailInput>;
export type WebhookInput = z.infer<typeof webhookInput>;

const channelCommon = {
  enabled: z.boolean(),
  events: z.array(z.enum(notificationEventTypes)),
  updatedAt: z.string(),
};

export const settingsView = z.object({
  slack: z
    .object({
      mode: z.enum(['webhook', 'bot']),
      channel: z.string().nullable(),
      webhookUrlConfigured: z.boolean(),
      botTokenConfigured: z.boolean(),
      ...channelCommon,
    })
    .nullable(),
  email: z
    .object({
      host: z.string(),
      port: z.number().int(),
      security: z.enum(['tls', 'starttls', 'none']),
      user: z.string().nullable(),
      passwordConfigured: z.boolean(),
      from: z.string(),
      to: z.array(z.string()),
      ...channelCommon,
    })
    .nullable(),
  webhook: z
    .object({
      url: z.string(),
      signingSecretConfigured: z.boolean(),
      signingSecret: z
        .string()
        .optional()
        .describe('only in the response that created or rotated it: store it now, it is never shown again'),
      ...channelCommon,
    })
    .nullable(),
});

export type SettingsView = z.infer<typeof settingsView>;

export const testResults = z.object({
  results: z.array(
    z.object({
      channel: z.enum(channelKinds),
      ok: z.boolean(),
      error: z.string().optional().describe("the provider's answer when the send failed"),
    }),
  ),
});

export type TestResults = z.infer<typeof testResults>;

export const deliveryView = z.object({
  id: z.uuid(),
  channel: z.enum(channelKinds),
  event: z.enum(notificationEventTypes),
  incidentId: z.uuid().nullable(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

export type DeliveryView = z.infer<typeof deliveryView>;

/** What the investigation feature passes to `notify`. Long text is cut, not refused: a notification must not fail. */
const clip = (max: number) =>
  z.string().transform((value) => (value.length > max ? `${value.slice(0, max - 1)}…` : value));

export const investigationNotification = z.object({
  type: z.enum(notificationEventTypes),
  incident: z.object({
    id: z.uuid(),
    title: clip(500),
    severity: z.string().min(1).max(32),
    service: clip(256).nullish(),
    /** Defaults to `${AURORA_PUBLIC_URL}/incidents/{id}` when the public URL is configured. */
    url: z.url().max(2000).nullish(),
  }),
  summary: clip(4000).optional(),
  confidence: z.string().max(32).optional(),
  rootCause: clip(4000).optional(),
  error: clip(2000).optional(),
});

export type InvestigationNotification = z.input<typeof investigationNotification>;
