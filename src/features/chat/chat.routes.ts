import { z } from 'zod';
import { type AuroraApp, principalOf } from '../accounts/index.js';
import { chatMessageKinds } from './chat.schema.js';
import type { ChatService } from './chat.service.js';
import type { WebSocketTickets } from './ws-tickets.js';

const sessionView = z.object({
  id: z.uuid(),
  title: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  activeRunId: z.uuid().nullable(),
});

const messageView = z.object({
  id: z.uuid(),
  seq: z.number().int(),
  runId: z.uuid().nullable(),
  role: z.enum(['user', 'assistant', 'tool']),
  kind: z.enum(chatMessageKinds),
  content: z.string(),
  toolCallId: z.string().nullable(),
  toolName: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  status: z.enum(['complete', 'cancelled', 'failed']),
  createdAt: z.string(),
});

export function registerChatRoutes(app: AuroraApp, chat: ChatService, tickets: WebSocketTickets): void {
  app.post(
    '/api/v1/ws-ticket',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['chat'],
        summary: 'A single-use ticket, valid 60 seconds, for opening /ws?ticket=… from a browser',
        response: { 200: z.object({ ticket: z.string(), expiresInSeconds: z.number().int() }) },
      },
    },
    async (request) => tickets.issue(principalOf(request)),
  );

  app.get(
    '/api/v1/chat/sessions',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['chat'],
        summary: "The caller's chat sessions, most recently active first",
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(sessionView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => chat.listSessions(principalOf(request), request.query),
  );

  app.get(
    '/api/v1/chat/sessions/:sessionId/messages',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['chat'],
        summary: "A session's messages in order, one item per message or part (text segment, tool call, tool result)",
        params: z.object({ sessionId: z.uuid() }),
        querystring: z.object({ afterSeq: z.coerce.number().int().min(0).optional() }),
        response: { 200: z.object({ items: z.array(messageView) }) },
      },
    },
    async (request) => ({
      items: await chat.messages(principalOf(request), request.params.sessionId, request.query.afterSeq),
    }),
  );
}
