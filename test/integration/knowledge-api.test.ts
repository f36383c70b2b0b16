import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeService } from '../../src/features/knowledge/index.js';
import { type Embedder, NoEmbedder } from '../../src/platform/embeddings/embedder.js';
import { docxDocument, pdfDocument, prose, zipBombDocx } from '../fixtures/knowledge/generate-documents.js';
import { uploadDocument, waitForDocument } from '../fixtures/knowledge/knowledge-client.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';

const tinyModel = fileURLToPath(new URL('../fixtures/knowledge/tiny-embedder', import.meta.url));

const corpus: Record<string, string> = {
  'memory.md':
    '# Memory pressure runbook\n\nWhen the heap grows without bound, the ram of the node runs out.\n\nTake a heap profile, then raise the memory limit of the service.\n',
  'certificates.md':
    '# Certificate runbook\n\nWhen the TLS certificate has expired, clients fail the handshake.\n\nRenew the certificate with cert-manager and restart the ingress.\n',
  'dns.md':
    '# DNS runbook\n\nNXDOMAIN answers from the resolver mean the record is missing.\n\nCheck the zone and the resolver configuration.\n',
  'kafka.md':
    '# Kafka consumer lag runbook\n\nConsumer lag grows when consumers are slower than producers.\n\nScale the consumer group and check the partition balance.\n',
  'deploys.md':
    '# Rollback runbook\n\nA bad release shows up right after the rollout.\n\nRoll back to the previous release with the deploy pipeline.\n',
};

describe('knowledge base API', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let vectors: boolean;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    app = await startTestApplication({
      environment: { EMBEDDINGS_PROVIDER: 'local', EMBEDDINGS_MODEL_DIR: tinyModel },
    });
    org = await createTestOrganization(app, 'kb');
    const rows = await app.platform.database.query<{ table: string | null }>(
      `select to_regclass('public.knowledge_embeddings')::text as table`,
    );
    vectors = Boolean(rows[0]?.table);
    for (const [name, text] of Object.entries(corpus)) {
      const uploaded = await uploadDocument(app, org.tokens.editor, { name, bytes: text }, { kind: 'runbook' });
      expect(uploaded.status).toBe(202);
      ids.set(name, uploaded.body.id as string);
    }
    for (const id of ids.values()) {
      const document = await waitForDocument(app, org.tokens.viewer, id);
      expect({ status: document.status, error: document.error }).toEqual({ status: 'indexed', error: undefined });
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it('uploads a multi-page PDF, stores it under {org}/kb/{id}.pdf, indexes it with pages and streams document.updated', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${app.url}/api/v1/knowledge/stream`, {
      headers: { authorization: `Bearer ${org.tokens.viewer}` },
      signal: controller.signal,
    });
    let streamed = '';
    const reading = (async () => {
      try {
        for await (const chunk of stream.body ?? []) streamed += Buffer.from(chunk).toString('utf8');
      } catch {
        // aborted below
      }
    })();

    const pdf = await pdfDocument([
      { heading: 'Replication lag runbook', paragraphs: [prose('replication', 40)] },
      { subheading: 'Diagnosis', paragraphs: [prose('diagnosis', 40)], code: 'select * from pg_stat_replication;' },
      { subheading: 'Failover', paragraphs: [prose('failover', 40)] },
    ]);
    const uploaded = await uploadDocument(
      app,
      org.tokens.editor,
      { name: 'replication.pdf', bytes: pdf },
      {
        title: 'Replication lag',
        kind: 'postmortem',
        tags: 'database,postgres',
      },
    );
    expect(uploaded).toEqual({ status: 202, body: { id: expect.any(String), status: 'processing' } });
    const id = uploaded.body.id as string;
    const document = await waitForDocument(app, org.tokens.viewer, id);
    expect(document).toMatchObject({
      id,
      title: 'Replication lag',
      kind: 'postmortem',
      status: 'indexed',
      tags: ['database', 'postgres'],
      fileName: 'replication.pdf',
      mediaType: 'application/pdf',
      pages: 3,
      bytes: pdf.length,
      embeddingModel: vectors ? expect.stringMatching(/^local:tiny-embedder@/) : null,
    });
    expect(document.chunks).toBeGreaterThanOrEqual(3);
    expect(document.error).toBeUndefined();
    const stored = await app.platform.objects.head(org.orgId, `kb/${id}.pdf`);
    expect(stored?.size).toBe(pdf.length);

    const chunks = await app.platform.database.query<{ page: number; heading_path: string[] }>(
      'select page, heading_path from knowledge_chunks where document_id = $1 order by ordinal',
      [id],
    );
    expect(chunks.map((chunk) => chunk.page)).toEqual([...chunks.map((chunk) => chunk.page)].sort());
    expect(chunks.at(-1)?.page).toBe(3);
    expect(chunks.at(-1)?.heading_path).toEqual(['Replication lag runbook', 'Failover']);

    const search = await api(app, 'GET', '/api/v1/knowledge/search?q=failover%20procedure&limit=3', {
      token: org.tokens.viewer,
    });
    expect(search.body.results[0]).toMatchObject({
      documentId: id,
      title: 'Replication lag',
      kind: 'postmortem',
      page: 3,
    });
    expect(search.body.results[0].headingPath).toEqual(['Replication lag runbook', 'Failover']);

    controller.abort();
    await reading;
    expect(streamed).toContain('event: document.updated');
    expect(streamed).toContain(`"documentId":"${id}","status":"indexed"`);
  });

  it('finds the expected runbook by hybrid search (or lexically, with a note, where pgvector is missing)', async () => {
    const lexical = await api(app, 'GET', '/api/v1/knowledge/search?q=certificate%20expired&kind=runbook', {
      token: org.tokens.viewer,
    });
    expect(lexical.status).toBe(200);
    expect(lexical.body.results[0]).toMatchObject({ documentId: ids.get('certificates.md'), kind: 'runbook' });
    for (const result of lexical.body.results) {
      expect(result).toEqual({
        documentId: expect.any(String),
        title: expect.any(String),
        kind: 'runbook',
        chunkId: expect.any(String),
        text: expect.any(String),
        page: null,
        headingPath: expect.any(Array),
        sourceId: null,
        score: expect.any(Number),
      });
    }

    // No document contains "oom": only the embedding (oom ≈ memory, heap, ram) can find the memory runbook.
    const semantic = await api(app, 'GET', '/api/v1/knowledge/search?q=oom&limit=3', { token: org.tokens.viewer });
    if (!vectors) {
      console.warn(
        'knowledge-api: the database has no pgvector extension; the vector half of hybrid search is skipped',
      );
      expect(semantic.body).toMatchObject({ results: [], mode: 'lexical', note: expect.stringMatching(/pgvector/) });
      return;
    }
    expect(semantic.body.mode).toBe('hybrid');
    expect(semantic.body.results[0]).toMatchObject({ documentId: ids.get('memory.md') });

    // Both signals: "lag" matches the Kafka runbook by word, "slow consumer" by meaning; fused, it comes first.
    const fused = await api(app, 'GET', '/api/v1/knowledge/search?q=slow%20consumer%20lag', {
      token: org.tokens.viewer,
    });
    expect(fused.body.mode).toBe('hybrid');
    expect(fused.body.results[0]).toMatchObject({ documentId: ids.get('kafka.md') });
  });

  it('fails each kind of bad input with a reason while other documents keep indexing', async () => {
    const pdf = await pdfDocument([{ paragraphs: [prose('corrupt', 30)] }]);
    const docx = await docxDocument([{ heading: 'Broken', paragraphs: ['text'] }]);
    const bad: Array<[string, Uint8Array | string, RegExp]> = [
      ['encrypted.pdf', await pdfDocument([{ paragraphs: ['secret'] }], { userPassword: 'pw' }), /encrypted/],
      ['corrupt.pdf', pdf.subarray(0, pdf.length / 3), /PDF/],
      ['corrupt.docx', docx.subarray(0, docx.length - 300), /DOCX file is damaged/],
      ['bomb.docx', await zipBombDocx(), /decompressed/],
      ['empty.txt', '', /empty/],
      [
        'program.pdf',
        Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(4096, 3)]),
        /executable/,
      ],
      [
        'mixed.txt',
        Buffer.concat([Buffer.from('na\u00efve ', 'utf8'), Buffer.from('na\u00efve', 'latin1')]),
        /encoding/,
      ],
    ];
    const uploads = await Promise.all(
      [...bad.map(([name, bytes]) => ({ name, bytes })), { name: 'good.md', bytes: '# Good\n\nStill indexed.' }].map(
        (file) => uploadDocument(app, org.tokens.editor, file),
      ),
    );
    for (const upload of uploads) expect(upload.status).toBe(202);
    for (const [index, [name, , reason]] of bad.entries()) {
      const document = await waitForDocument(app, org.tokens.viewer, uploads[index]?.body.id as string);
      expect({ name, status: document.status, error: document.error }).toEqual({
        name,
        status: 'failed',
        error: expect.stringMatching(reason),
      });
    }
    expect((await waitForDocument(app, org.tokens.viewer, uploads.at(-1)?.body.id as string)).status).toBe('indexed');
  });

  it('re-indexes and deletes (file, chunks and vectors)', async () => {
    const id = ids.get('dns.md') as string;
    const reindexed = await api(app, 'POST', `/api/v1/knowledge/documents/${id}/reindex`, { token: org.tokens.editor });
    expect(reindexed.status).toBe(202);
    expect(reindexed.body.status).toBe('processing');
    expect((await waitForDocument(app, org.tokens.viewer, id)).status).toBe('indexed');

    expect((await api(app, 'DELETE', `/api/v1/knowledge/documents/${id}`, { token: org.tokens.viewer })).status).toBe(
      403,
    );
    expect((await api(app, 'DELETE', `/api/v1/knowledge/documents/${id}`, { token: org.tokens.editor })).status).toBe(
      204,
    );
    expect((await api(app, 'GET', `/api/v1/knowledge/documents/${id}`, { token: org.tokens.viewer })).status).toBe(404);
    expect(await app.platform.objects.head(org.orgId, `kb/${id}.md`)).toBeUndefined();
    const [left] = await app.platform.database.query<{ chunks: number }>(
      'select count(*)::int as chunks from knowledge_chunks where document_id = $1',
      [id],
    );
    expect(left?.chunks).toBe(0);
    if (vectors) {
      const [embeddings] = await app.platform.database.query<{ count: number }>(
        'select count(*)::int as count from knowledge_embeddings where document_id = $1',
        [id],
      );
      expect(embeddings?.count).toBe(0);
    }
    const listed = await api(app, 'GET', '/api/v1/knowledge/documents?kind=runbook&limit=200', {
      token: org.tokens.viewer,
    });
    expect(listed.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
    expect(listed.body.items.length).toBe(ids.size - 1);
  });

  it('indexes incident memory and replaces it when the same incident is indexed again', async () => {
    const incidentId = randomUUID();
    const first = await app.services.knowledge.indexMemory(org.orgId, {
      kind: 'incident',
      sourceId: incidentId,
      title: 'Checkout outage',
      text: '## Root cause\n\nA rollout exhausted the connection pool.\n\n## Feedback\n\nConfirmed by the on-call engineer.',
      metadata: { incidentId },
    });
    expect((await waitForDocument(app, org.tokens.viewer, first.id)).status).toBe('indexed');
    const second = await app.services.knowledge.indexMemory(org.orgId, {
      kind: 'incident',
      sourceId: incidentId,
      title: 'Checkout outage',
      text: '## Root cause\n\nA leaked zookeeper session stalled the payment queue.',
    });
    expect(second.id).toBe(first.id);
    expect((await waitForDocument(app, org.tokens.viewer, first.id)).status).toBe('indexed');
    const found = await api(app, 'GET', '/api/v1/knowledge/search?q=zookeeper%20session&kind=incident', {
      token: org.tokens.viewer,
    });
    expect(found.body.results[0]).toMatchObject({
      documentId: first.id,
      kind: 'incident',
      headingPath: ['Checkout outage', 'Root cause'],
      sourceId: incidentId,
    });
    const stale = await api(app, 'GET', '/api/v1/knowledge/search?q=connection%20pool&kind=incident', {
      token: org.tokens.viewer,
    });
    expect(stale.body.results).toEqual([]);
  });

  it('queues documents for re-indexing when the embedding model changes', async () => {
    const otherModel: Embedder = {
      kind: 'openai-compatible',
      modelId: 'openai-compatible:another-model',
      embed: async (texts) => texts.map(() => [1, 0, 0]),
      close: async () => {},
    };
    const service = new KnowledgeService({ ...app.platform, embedder: otherModel, config: app.config.knowledge });
    const queued = await service.reindexStaleEmbeddings();
    await service.close();
    if (!vectors) {
      console.warn(
        'knowledge-api: no pgvector, so a model change has no vectors to redo; checked that nothing is queued',
      );
      expect(queued).toBe(0);
      return;
    }
    expect(queued).toBeGreaterThanOrEqual(ids.size - 1);
    const memory = await api(app, 'GET', `/api/v1/knowledge/documents/${ids.get('memory.md')}`, {
      token: org.tokens.viewer,
    });
    // Queued (processing) or already re-indexed by the app's worker with its own (tiny) model again.
    expect(['processing', 'indexed']).toContain(memory.body.status);
    const lexicalOnly = new KnowledgeService({
      ...app.platform,
      embedder: new NoEmbedder(),
      config: app.config.knowledge,
    });
    expect(await lexicalOnly.reindexStaleEmbeddings()).toBe(0);
    await lexicalOnly.close();
  });
});

describe('knowledge base limits', () => {
  let app: TestApplication;
  let org: TestOrganization;

  beforeAll(async () => {
    app = await startTestApplication({
      environment: {
        AURORA_KB_MAX_FILE_BYTES: '4096',
        AURORA_KB_ORG_MAX_BYTES: '6000',
        AURORA_KB_ORG_MAX_DOCUMENTS: '2',
      },
      roles: ['api'],
    });
    org = await createTestOrganization(app, 'kb-limits');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 413 over the file size or storage quota and 409 over the document count, with clear messages', async () => {
    const notMultipart = await api(app, 'POST', '/api/v1/knowledge/documents', { token: org.tokens.editor, body: {} });
    expect(notMultipart.status).toBe(415);
    const noFile = await fetch(`${app.url}/api/v1/knowledge/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${org.tokens.editor}` },
      body: (() => {
        const form = new FormData();
        form.append('title', 'no file');
        return form;
      })(),
    });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as { detail: string }).detail).toBe('The multipart field `file` is required');

    const tooBig = await uploadDocument(app, org.tokens.editor, { name: 'big.txt', bytes: 'x'.repeat(5000) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.detail).toBe('The file is larger than the 4 KB limit');
    expect((await api(app, 'GET', '/api/v1/knowledge/documents', { token: org.tokens.viewer })).body.items).toEqual([]);

    expect((await uploadDocument(app, org.tokens.editor, { name: 'a.txt', bytes: 'a'.repeat(4000) })).status).toBe(202);
    const overQuota = await uploadDocument(app, org.tokens.editor, { name: 'b.txt', bytes: 'b'.repeat(3000) });
    expect(overQuota.status).toBe(413);
    expect(overQuota.body.detail).toMatch(/storage quota \(6 KB; 4 KB used\)/);

    expect((await uploadDocument(app, org.tokens.editor, { name: 'c.txt', bytes: 'small' })).status).toBe(202);
    const overCount = await uploadDocument(app, org.tokens.editor, { name: 'd.txt', bytes: 'small' });
    expect(overCount.status).toBe(409);
    expect(overCount.body.detail).toMatch(/already has 2 knowledge documents, the maximum of 2/);
  });
});
