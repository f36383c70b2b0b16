import websocket from '@fastify/websocket';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { DomainError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { AccountsService, AuroraApp, Principal } from '../accounts/index.js';
import type { ApprovalsService } from '../agent/index.js';
import type { ChatService } from './chat.service.js';
import { type ClientFrame, clientFrame, type ServerFrame } from './chat-frames.js';
import type { WebSocketTickets } from './ws-tickets.js';

export const maxFrameBytes = 1024 * 1024;
export const unauthenticatedCloseCode = 4401;
const pingIntervalMs = 30_000;

export interface ChatWebSocketDependencies {
  chat: ChatService;
  approvals: ApprovalsService;
  accounts: AccountsService;
  tickets: WebSocketTickets;
  logger: Logger;
  /** How long shutdown waits for cancelled runs to save their partial answers. */
  shutdownTimeoutMs: number;
}

async function authenticate(
  request: FastifyRequest,
  dependencies: ChatWebSocketDependencies,
): Promise<Principal | undefined> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match?.[1] ? dependencies.accounts.authenticateApiToken(match[1]) : undefined;
  }
  const ticket = (request.query as Record<string, unknown> | undefined)?.ticket;
  return typeof ticket === 'string' ? dependencies.tickets.redeem(ticket) : undefined;
}

/** `/ws`: the chat protocol (docs/websocket-protocol.md). */
export async function registerChatWebSocket(app: AuroraApp, dependencies: ChatWebSocketDependencies): Promise<void> {
  // ws itself closes a connection whose frame exceeds maxPayload, with 1009 (message too big).
  await app.register(websocket, { options: { maxPayload: maxFrameBytes } });
  app.addHook('onReady', async () => {
    await dependencies.chat.recover().catch((error: unknown) => {
      dependencies.logger.warn({ err: error }, 'could not mark interrupted agent runs');
    });
  });
  app.addHook('preClose', async () => {
    await dependencies.chat.shutdown(dependencies.shutdownTimeoutMs);
  });

  app.get('/ws', { websocket: true, schema: { hide: true } }, (socket, request) => {
    const log = dependencies.logger.child({ component: 'websocket', requestId: request.id });
    // Frames that arrive while authentication is still running are handled once it is done, in order.
    let ready: Promise<Principal | undefined> = authenticate(request, dependencies).catch((error: unknown) => {
      log.warn({ err: error }, 'websocket authentication failed');
      return undefined;
    });
    const follows = new Map<string, () => void>();
    const send = (frame: ServerFrame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    };
    const follow = (runId: string, unsubscribe: (() => void) | undefined) => {
      if (!unsubscribe) return;
      follows.get(runId)?.();
      follows.set(runId, unsubscribe);
    };

    void ready.then((principal) => {
      if (!principal) socket.close(unauthenticatedCloseCode, 'Unauthenticated');
    });

    socket.on('message', (data, isBinary) => {
      ready = ready.then(async (principal) => {
        if (!principal) return principal;
        try {
          await handle(principal, data, isBinary);
        } catch (error) {
          const known = error instanceof DomainError;
          if (!known) log.error({ err: error }, 'websocket frame failed');
          send({
            type: 'error',
            code: known ? error.code : 'internal_error',
            message: known ? error.message : 'Something went wrong on our side',
          });
        }
        return principal;
      });
    });

    const ping = setInterval(() => {
      if (socket.readyState === socket.OPEN) socket.ping();
    }, pingIntervalMs);
    socket.on('close', () => {
      clearInterval(ping);
      for (const unsubscribe of follows.values()) unsubscribe();
      follows.clear();
    });
    socket.on('error', (error) => log.debug({ err: error }, 'websocket error'));

    async function handle(principal: Principal, data: WebSocket.RawData, isBinary: boolean): Promise<void> {
      let frame: ClientFrame;
      try {
        if (isBinary) throw new Error('binary frames are not part of the protocol; send JSON text');
        const parsed = clientFrame.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new Error(issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'invalid frame');
        }
        frame = parsed.data;
      } catch (error) {
        send({ type: 'error', code: 'bad_frame', message: (error as Error).message });
        return;
      }
      switch (frame.type) {
        case 'session.open': {
          const opened = await dependencies.chat.openSession(principal, frame.sessionId);
          send({ type: 'session.opened', sessionId: opened.sessionId, activeRunId: opened.activeRunId });
          // A run in progress: replay it so far, then follow it.
          if (opened.activeRunId)
            follow(opened.activeRunId, dependencies.chat.follow(principal, opened.activeRunId, send));
          return;
        }
        case 'message.send': {
          const { runId, unsubscribe } = await dependencies.chat.send(principal, frame, send);
          follow(runId, unsubscribe);
          return;
        }
        case 'confirmation.respond':
          await dependencies.approvals.decide(principal, frame.confirmationId, frame.decision, {
            requestId: request.id,
            ip: request.ip,
            via: 'websocket',
          });
          return;
        case 'run.cancel':
          dependencies.chat.cancel(principal, frame.runId);
          return;
      }
    }
  });
}
