import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { UnsupportedMediaType } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import { openEventStream } from '../../platform/http/server-sent-events.js';
import { type AuroraApp, principalOf, requestMetadata } from '../accounts/index.js';
import { documentKinds, documentStatuses } from './knowledge.schema.js';
import type { KnowledgeService, UploadPart } from './knowledge.service.js';

const kind = z.enum(documentKinds);

const documentView = z.object({
  id: z.uuid(),
  title: z.string(),
  kind,
  status: z.enum(documentStatuses),
  error: z.string().optional().describe('why indexing failed, or a note on a degraded index'),
  tags: z.array(z.string()),
  fileName: z.string().nullable(),
  mediaType: z.string().nullable().describe('detected from the content'),
  pages: z.number().int().nullable(),
  chunks: z.number().int(),
  bytes: z.number().int(),
  embeddingModel: z.string().nullable(),
  createdAt: z.string(),
  indexedAt: z.string().nullable(),
});

export const searchResultSchema = z.object({
  documentId: z.uuid(),
  title: z.string(),
  kind,
  chunkId: z.uuid(),
  text: z.string(),
  page: z.number().int().nullable(),
  headingPath: z.array(z.string()),
  sourceId: z
    .string()
    .nullable()
    .describe('memory documents: the incident id (kind incident) or chat session id (kind conversation)'),
  score: z.number(),
});

const commaList = <Values extends readonly [string, ...string[]]>(values: Values) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)));

const documentParams = z.object({ documentId: z.uuid() });
const streamedTypes = new Set(['document.updated']);

function uploadParts(request: FastifyRequest): AsyncIterable<UploadPart> {
  if (!request.isMultipart()) {
    throw new UnsupportedMediaType('Send the document as multipart/form-data with the file in the field `file`');
  }
  return (async function* () {
    for await (const part of request.parts()) {
      if (part.type === 'file')
        yield { type: 'file', name: part.fieldname, fileName: part.filename, stream: part.file };
      else yield { type: 'field', name: part.fieldname, value: String(part.value ?? '') };
    }
  })();
}

export function registerKnowledgeRoutes(
  app: AuroraApp,
  knowledge: KnowledgeService,
  options: { events: EventBus; maxFileBytes: number },
): void {
  // Multipart parsing only where uploads are accepted (an encapsulated scope); our own byte counter reports the
  // size limit, so the plugin's own limit is a backstop just above it.
  app.register(async (scope: AuroraApp) => {
    await scope.register(multipart, {
      limits: { fileSize: options.maxFileBytes + 1024 * 1024, files: 2, fields: 20, fieldSize: 64 * 1024, parts: 30 },
    });
    scope.post(
      '/api/v1/knowledge/documents',
      {
        config: { auth: 'editor' },
        // The body is streamed to the object store, not buffered, so it has no JSON schema to validate.
        schema: {
          tags: ['knowledge'],
          summary:
            'Upload a document (multipart/form-data: `file`, optional `title`, `kind` runbook|postmortem|doc, `tags` comma-separated); it is indexed in the background',
          consumes: ['multipart/form-data'],
          response: { 202: z.object({ id: z.uuid(), status: z.literal('processing') }) },
        },
      },
      async (request, reply) => {
        const parts = uploadParts(request);
        return reply.code(202).send(await knowledge.upload(principalOf(request), requestMetadata(request), parts));
      },
    );
  });

  app.get(
    '/api/v1/knowledge/documents',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['knowledge'],
        summary: 'Knowledge documents, newest first',
        querystring: z.object({
          kind: commaList(documentKinds).optional(),
          status: commaList(documentStatuses).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(documentView), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => knowledge.list(principalOf(request), request.query),
  );

  app.get(
    '/api/v1/knowledge/stream',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['knowledge'],
        summary: 'Server-Sent Events: document.updated (status changes and indexing progress)',
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      openEventStream(request, reply, {
        events: options.events,
        orgId: principalOf(request).orgId,
        types: streamedTypes,
      });
    },
  );

  app.get(
    '/api/v1/knowledge/search',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['knowledge'],
        summary: 'Hybrid search (full-text + vectors, reciprocal rank fusion) over the knowledge base',
        querystring: z.object({
          q: z.string().trim().min(1).max(1000),
          limit: z.coerce.number().int().min(1).max(50).default(10),
          kind: commaList(documentKinds).optional(),
        }),
        response: {
          200: z.object({
            results: z.array(searchResultSchema),
            mode: z.enum(['hybrid', 'lexical']),
            note: z.string().optional(),
          }),
        },
      },
    },
    async (request) =>
      knowledge.search(principalOf(request).orgId, {
        query: request.query.q,
        limit: request.query.limit,
        kinds: request.query.kind,
      }),
  );

  app.get(
    '/api/v1/knowledge/documents/:documentId',
    {
      config: { auth: 'viewer' },
      schema: { tags: ['knowledge'], summary: 'One document', params: documentParams, response: { 200: documentView } },
    },
    async (request) => knowledge.get(principalOf(request), request.params.documentId),
  );

  app.delete(
    '/api/v1/knowledge/documents/:documentId',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['knowledge'],
        summary: 'Delete a document: its file, chunks and vectors',
        params: documentParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await knowledge.delete(principalOf(request), requestMetadata(request), request.params.documentId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/knowledge/documents/:documentId/reindex',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['knowledge'],
        summary: 'Extract, chunk and embed the document again',
        params: documentParams,
        response: { 202: documentView },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await knowledge.reindex(principalOf(request), requestMetadata(request), request.params.documentId)),
  );
}
