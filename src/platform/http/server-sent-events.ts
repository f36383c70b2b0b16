import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EventBus } from '../events/event-bus.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Closers of open event streams, ended before the server closes so shutdown does not wait on them. */
    eventStreams: Set<() => void>;
  }
}

/** Lets routes open Server-Sent Events streams that a graceful shutdown ends instead of waiting for. */
export function installEventStreams(app: FastifyInstance): void {
  const streams = new Set<() => void>();
  app.decorate('eventStreams', streams);
  app.addHook('preClose', async () => {
    for (const close of [...streams]) close();
  });
}

const heartbeatMs = 15_000;

/**
 * Streams an org's live events of the given types as `text/event-stream`, until the client goes away.
 * Delivery is best effort: a client that reconnects should re-read current state from the API.
 */
export function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { events: EventBus; orgId: string; types: ReadonlySet<string> },
): void {
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Reverse proxies (nginx) must not buffer the stream.
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  });
  response.write('retry: 3000\n: connected\n\n');

  const unsubscribe = options.events.subscribe(options.orgId, (event) => {
    if (!options.types.has(event.type)) return;
    response.write(
      `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...(event.data as object), at: event.at })}\n\n`,
    );
  });
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), heartbeatMs);
  const streams = request.server.eventStreams;
  const close = () => {
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(close);
    if (!response.writableEnded) response.end();
  };
  streams.add(close);
  request.raw.on('close', close);
}
