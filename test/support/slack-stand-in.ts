import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Slack (no internet here), following Slack's documented behaviour:
 * - Incoming webhooks (`POST /services/{T}/{B}/{secret}`): HTTP 200 with body `ok`; errors as plain text with a
 *   status: 400 `invalid_payload`, 403 `action_prohibited`, 404 `channel_not_found` / `no_service`,
 *   410 `channel_is_archived`, 500 `rollup_error`; 429 with Retry-After when rate limited.
 *   https://api.slack.com/messaging/webhooks, https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks
 * - Web API `POST /api/chat.postMessage` (bot token in `Authorization: Bearer`, JSON body): HTTP 200 with
 *   `{ok: true, channel, ts, message}` or `{ok: false, error}` (`not_authed`, `invalid_auth`, `channel_not_found`,
 *   `no_text`, `thread_not_found`); HTTP 429 with Retry-After. Thread replies pass the parent's `ts` as `thread_ts`.
 *   https://api.slack.com/methods/chat.postMessage, https://api.slack.com/apis/rate-limits
 */
export interface SlackPost {
  channelId: string;
  ts: string;
  threadTs?: string;
  replyBroadcast?: boolean;
  text?: string;
  blocks?: unknown[];
}

export interface WebhookPost {
  path: string;
  contentType: string | undefined;
  body: { text?: string; blocks?: unknown[] };
}

interface ScriptedAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export class SlackStandIn {
  /** Messages accepted by chat.postMessage, in order. */
  readonly posts: SlackPost[] = [];
  /** Messages accepted by incoming webhooks, in order. */
  readonly webhookPosts: WebhookPost[] = [];
  /** Every request received, accepted or not. */
  readonly requests: Array<{ path: string; authorization?: string }> = [];
  private readonly scripted: ScriptedAnswer[] = [];
  private counter = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly botToken: string,
    /** Channel names (without #) and ids the workspace has, name → id. */
    private readonly channels: Map<string, string>,
    private readonly webhookPaths: Set<string>,
  ) {}

  static async start(options: { botToken: string; channels: Record<string, string>; webhookPaths: string[] }) {
    let instance: SlackStandIn | undefined;
    const server = createServer((request, response) => {
      void instance?.handle(request, response);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    instance = new SlackStandIn(
      server,
      `http://127.0.0.1:${port}`,
      options.botToken,
      new Map(Object.entries(options.channels)),
      new Set(options.webhookPaths),
    );
    return instance;
  }

  /** The Web API base to configure as NOTIFICATIONS_SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  /** The next request (of any kind) gets this answer instead of the normal one. */
  answerNext(answer: ScriptedAnswer): void {
    this.scripted.push(answer);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(request.url ?? '/', this.url).pathname;
    this.requests.push({ path, authorization: request.headers.authorization });

    const scripted = this.scripted.shift();
    if (scripted) {
      response.writeHead(scripted.status, { 'content-type': 'text/plain', ...scripted.headers });
      response.end(scripted.body);
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    if (path === '/api/chat.postMessage') {
      this.postMessage(request, raw, response);
      return;
    }
    if (path.startsWith('/services/')) {
      this.incomingWebhook(path, request, raw, response);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not_found');
  }

  private incomingWebhook(path: string, request: IncomingMessage, raw: string, response: ServerResponse) {
    const text = (status: number, body: string) =>
      response.writeHead(status, { 'content-type': 'text/html' }).end(body);
    if (!this.webhookPaths.has(path)) return text(404, 'no_service');
    let body: WebhookPost['body'];
    try {
      body = JSON.parse(raw) as WebhookPost['body'];
    } catch {
      return text(400, 'invalid_payload');
    }
    if (!body.text && !body.blocks) return text(400, 'missing_text_or_fallback_or_attachments');
    this.webhookPosts.push({ path, contentType: request.headers['content-type'], body });
    return text(200, 'ok');
  }

  private postMessage(request: IncomingMessage, raw: string, response: ServerResponse) {
    const answer = (body: Record<string, unknown>) =>
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    const authorization = request.headers.authorization;
    if (!authorization) return answer({ ok: false, error: 'not_authed' });
    if (authorization !== `Bearer ${this.botToken}`) return answer({ ok: false, error: 'invalid_auth' });
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return answer({ ok: false, error: 'invalid_arguments' });
    }
    let body: {
      channel?: string;
      text?: string;
      blocks?: unknown[];
      thread_ts?: string;
      reply_broadcast?: boolean;
    };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return answer({ ok: false, error: 'invalid_json' });
    }
    const requested = (body.channel ?? '').replace(/^#/, '');
    const channelId = this.channels.get(requested) ?? [...this.channels.values()].find((id) => id === requested);
    if (!channelId) return answer({ ok: false, error: 'channel_not_found' });
    if (!body.text && !body.blocks) return answer({ ok: false, error: 'no_text' });
    if (body.thread_ts && !this.posts.some((post) => post.channelId === channelId && post.ts === body.thread_ts)) {
      return answer({ ok: false, error: 'thread_not_found' });
    }
    this.counter += 1;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(this.counter).padStart(6, '0')}`;
    this.posts.push({
      channelId,
      ts,
      threadTs: body.thread_ts,
      replyBroadcast: body.reply_broadcast,
      text: body.text,
      blocks: body.blocks,
    });
    return answer({
      ok: true,
      channel: channelId,
      ts,
      message: { type: 'message', text: body.text, ts, ...(body.thread_ts ? { thread_ts: body.thread_ts } : {}) },
    });
  }
}
