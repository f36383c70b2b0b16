import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the stand-in: a streamed (or plain) completion, or an HTTP error. */
export type StandInTurn =
  | {
      text?: string;
      toolCalls?: Array<{ name: string; arguments: unknown; id?: string }>;
      usage?: { promptTokens: number; completionTokens: number };
      /** Delay between streamed chunks. */
      chunkDelayMs?: number;
    }
  | { status: number; message?: string; retryAfterSeconds?: number; echoAuthorization?: boolean };

export interface StandInRequest {
  path: string;
  headers: IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: the Chat Completions request body, asserted loosely
  body: any;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A stand-in for an OpenAI-compatible server (vLLM, LM Studio, Ollama's /v1): POST /v1/chat/completions answers
 * from a script, streaming `chat.completion.chunk` events over SSE (text deltas, tool-call deltas with their
 * arguments split across chunks, a usage chunk, `[DONE]`) as the Chat Completions API documents.
 */
export class OpenAiCompatibleStandIn {
  readonly requests: StandInRequest[] = [];
  private turns: StandInTurn[] = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<OpenAiCompatibleStandIn> {
    let standIn: OpenAiCompatibleStandIn | undefined;
    const server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk) => {
        raw += chunk;
      });
      request.on('end', () => {
        void standIn!.answer(request.url ?? '', request.headers, raw, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    standIn = new OpenAiCompatibleStandIn(server, `http://127.0.0.1:${port}/v1`);
    return standIn;
  }

  /** Queues answers, used in order; a request beyond them gets a 500 so a test calling too often fails. */
  script(...turns: StandInTurn[]): void {
    this.turns.push(...turns);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(
    path: string,
    headers: IncomingHttpHeaders,
    raw: string,
    response: import('node:http').ServerResponse,
  ): Promise<void> {
    const body = raw ? JSON.parse(raw) : {};
    this.requests.push({ path, headers, body });
    if (path !== '/v1/chat/completions') {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const turn = this.turns.shift() ?? { status: 500, message: 'the stand-in has no scripted answer left' };
    if ('status' in turn) {
      const message = turn.echoAuthorization
        ? `Incorrect API key provided: ${String(headers.authorization ?? '').replace(/^Bearer /, '')}`
        : (turn.message ?? `error ${turn.status}`);
      response
        .writeHead(turn.status, {
          'content-type': 'application/json',
          ...(turn.retryAfterSeconds !== undefined ? { 'retry-after': String(turn.retryAfterSeconds) } : {}),
        })
        .end(
          JSON.stringify({ error: { message, type: turn.status === 429 ? 'rate_limit_exceeded' : 'server_error' } }),
        );
      return;
    }
    const id = `chatcmpl-${randomUUID()}`;
    const model = body.model ?? 'stand-in';
    const usage = {
      prompt_tokens: turn.usage?.promptTokens ?? 20,
      completion_tokens: turn.usage?.completionTokens ?? 8,
      total_tokens: (turn.usage?.promptTokens ?? 20) + (turn.usage?.completionTokens ?? 8),
    };
    const toolCalls = turn.toolCalls ?? [];
    const finishReason = toolCalls.length > 0 ? 'tool_calls' : 'stop';

    if (!body.stream) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: turn.text ?? null,
                ...(toolCalls.length > 0
                  ? {
                      tool_calls: toolCalls.map((call, index) => ({
                        id: call.id ?? `call_${index}`,
                        type: 'function',
                        function: { name: call.name, arguments: JSON.stringify(call.arguments) },
                      })),
                    }
                  : {}),
              },
              finish_reason: finishReason,
            },
          ],
          usage,
        }),
      );
      return;
    }

    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices, ...extra })}\n\n`;
    const write = async (text: string) => {
      response.write(text);
      if (turn.chunkDelayMs) await sleep(turn.chunkDelayMs);
    };
    await write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    for (const piece of turn.text?.match(/\s*\S+/g) ?? []) {
      await write(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
    }
    for (const [index, call] of toolCalls.entries()) {
      const args = JSON.stringify(call.arguments);
      await write(
        chunk([
          {
            index: 0,
            delta: {
              tool_calls: [
                {
                  index,
                  id: call.id ?? `call_${randomUUID().slice(0, 8)}`,
                  type: 'function',
                  function: { name: call.name, arguments: '' },
                },
              ],
            },
            finish_reason: null,
          },
        ]),
      );
      // Arguments arrive in pieces, as real servers send them.
      for (let offset = 0; offset < args.length; offset += 7) {
        await write(
          chunk([
            {
              index: 0,
              delta: { tool_calls: [{ index, function: { arguments: args.slice(offset, offset + 7) } }] },
              finish_reason: null,
            },
          ]),
        );
      }
    }
    await write(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
    if (body.stream_options?.include_usage) await write(chunk([], { usage }));
    response.end('data: [DONE]\n\n');
  }
}
