import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import cliProgress from 'cli-progress';
import { ValidationFailed } from '../platform/errors.js';

/** `aurora kb …` talks to a running server's HTTP API with an API token, like any other client. */
export interface KnowledgeClientOptions {
  url: string;
  token?: string;
}

interface DocumentView {
  id: string;
  status: 'processing' | 'indexed' | 'failed';
  error?: string;
  chunks: number;
  pages: number | null;
}

class KnowledgeApiError extends ValidationFailed {}

async function request<Body>(
  client: KnowledgeClientOptions,
  method: string,
  path: string,
  init: { body?: ReadableStream; headers?: Record<string, string> } = {},
): Promise<Body> {
  if (!client.token) {
    throw new KnowledgeApiError(
      'An API token is needed: pass --token or set AURORA_TOKEN (create one with `aurora token create`)',
    );
  }
  let response: Response;
  try {
    response = await fetch(`${client.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${client.token}`, ...init.headers },
      body: init.body,
      ...(init.body ? { duplex: 'half' } : {}),
    } as RequestInit);
  } catch (error) {
    throw new KnowledgeApiError(
      `Cannot reach Aurora at ${client.url} (${(error as Error).message}); is it running? (--url / AURORA_URL)`,
    );
  }
  const text = await response.text();
  const body = text ? (JSON.parse(text) as Body & { detail?: string }) : ({} as Body & { detail?: string });
  if (!response.ok)
    throw new KnowledgeApiError(`${method} ${path} → ${response.status}: ${body.detail ?? text.slice(0, 200)}`);
  return body;
}

/** A multipart/form-data body streamed from disk, reporting bytes sent (so the bar follows the upload). */
function multipartBody(
  path: string,
  fields: Record<string, string>,
  onProgress: (bytes: number) => void,
): { body: ReadableStream; contentType: string } {
  const boundary = `aurora-${randomUUID()}`;
  const safeName = basename(path).replace(/["\r\n\\]/g, '_');
  const head =
    Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  async function* parts() {
    yield Buffer.from(head);
    let sent = 0;
    for await (const chunk of createReadStream(path)) {
      sent += (chunk as Buffer).length;
      onProgress(sent);
      yield chunk as Buffer;
    }
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return {
    body: Readable.toWeb(Readable.from(parts())) as ReadableStream,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

export type KbAddOptions = {
  kind?: string;
  title?: string;
  tags?: string;
  wait?: boolean;
  url?: string;
  token?: string;
};
export type KbSearchOptions = { limit?: number; kind?: string; json?: boolean; url?: string; token?: string };

export async function kbAddCommand(
  client: KnowledgeClientOptions,
  files: string[],
  options: KbAddOptions,
  output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
): Promise<number> {
  const sizes = await Promise.all(
    files.map(async (file) => {
      try {
        return (await stat(file)).size;
      } catch {
        throw new KnowledgeApiError(`Cannot read ${file}`);
      }
    }),
  );
  const bars = new cliProgress.MultiBar(
    {
      format: ' {bar} {percentage}% | {file} | {state}',
      hideCursor: true,
      clearOnComplete: false,
      stream: output.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let failures = 0;
  const lines: string[] = [];
  try {
    await Promise.all(
      files.map(async (file, index) => {
        const size = sizes[index] ?? 0;
        const bar = bars.create(Math.max(size, 1), 0, { file: basename(file), state: 'uploading' });
        try {
          const fields: Record<string, string> = {};
          if (options.kind) fields.kind = options.kind;
          if (options.tags) fields.tags = options.tags;
          if (options.title && files.length === 1) fields.title = options.title;
          const { body, contentType } = multipartBody(file, fields, (sent) => bar.update(sent));
          const created = await request<{ id: string }>(client, 'POST', '/api/v1/knowledge/documents', {
            body,
            headers: { 'content-type': contentType },
          });
          bar.update(Math.max(size, 1), { state: options.wait ? 'indexing…' : 'uploaded, indexing in the background' });
          let document: DocumentView | undefined;
          if (options.wait) {
            for (;;) {
              document = await request<DocumentView>(client, 'GET', `/api/v1/knowledge/documents/${created.id}`);
              if (document.status !== 'processing') break;
              await new Promise((resolve) => setTimeout(resolve, 500));
            }
            const state =
              document.status === 'indexed'
                ? `indexed: ${document.chunks} chunks${document.pages ? `, ${document.pages} pages` : ''}`
                : `failed: ${document.error ?? 'unknown reason'}`;
            bar.update({ state });
            if (document.status === 'failed') failures++;
          }
          lines.push(
            [
              file,
              created.id,
              document?.status ?? 'processing',
              document?.status === 'failed' ? document.error : document?.chunks,
            ]
              .filter((value) => value !== undefined)
              .join('\t'),
          );
        } catch (error) {
          failures++;
          bar.update({ state: `error: ${(error as Error).message}` });
          lines.push(`${file}\t-\terror\t${(error as Error).message}`);
        }
      }),
    );
  } finally {
    bars.stop();
  }
  // One tab-separated line per file on stdout (file, id, status, chunks or reason), for scripts.
  for (const line of lines) output.stdout.write(`${line}\n`);
  return failures > 0 ? 1 : 0;
}

export async function kbSearchCommand(
  client: KnowledgeClientOptions,
  query: string,
  options: KbSearchOptions,
  output: { stdout: NodeJS.WritableStream } = process,
): Promise<number> {
  const parameters = new URLSearchParams({ q: query, limit: String(options.limit ?? 5) });
  if (options.kind) parameters.set('kind', options.kind);
  const response = await request<{
    results: Array<{
      title: string;
      kind: string;
      page: number | null;
      headingPath: string[];
      text: string;
      score: number;
    }>;
    mode: string;
    note?: string;
  }>(client, 'GET', `/api/v1/knowledge/search?${parameters}`);
  if (options.json) {
    output.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
    return 0;
  }
  if (response.note) output.stdout.write(`(${response.note})\n`);
  if (response.results.length === 0) output.stdout.write('No results.\n');
  for (const [index, result] of response.results.entries()) {
    const where = [
      result.page !== null ? `p. ${result.page}` : undefined,
      result.headingPath.length > 0 ? `§ ${result.headingPath.join(' > ')}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    const snippet = result.text.replace(/\s+/g, ' ').slice(0, 200);
    output.stdout.write(
      `${index + 1}. [${result.score.toFixed(4)}] ${result.title} (${result.kind})${where ? ` ${where}` : ''}\n   ${snippet}${result.text.length > 200 ? '…' : ''}\n`,
    );
  }
  return 0;
}
