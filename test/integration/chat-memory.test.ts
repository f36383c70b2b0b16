import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKnowledgeSearch } from '../../src/features/knowledge/index.js';
import { SecretRedactor } from '../../src/platform/logger/logger.js';
import { waitForDocument } from '../fixtures/knowledge/knowledge-client.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { ChatClient } from '../support/chat-client.js';
import { chatModel, ScriptedModel } from '../support/scripted-model.js';

// A value this process knows to be secret (as a connector's API key would be): masked wherever it appears.
const knownSecret = 'kn0wn-s3cret-value-4711';
const idleMinutes = 30;
const afterIdle = () => new Date(Date.now() + (idleMinutes + 1) * 60_000);

describe('conversation memory: finished chat conversations become knowledge of kind conversation', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let other: TestOrganization;
  let script: ScriptedModel | undefined;
  const clients: ChatClient[] = [];

  const ask = async (client: ChatClient, sessionId: string, text: string) => {
    client.send({ type: 'message.send', sessionId, text });
    const { runId } = await client.next('run.started');
    expect(await client.next((frame) => frame.type === 'run.finished' && frame.runId === runId)).toMatchObject({
      status: 'completed',
    });
  };
  const search = (token: string, q: string) =>
    api(app, 'GET', `/api/v1/knowledge/search?q=${encodeURIComponent(q)}&kind=conversation&limit=10`, { token });
  const conversationDocuments = async (token: string) => {
    const response = await api(app, 'GET', '/api/v1/knowledge/documents?kind=conversation', { token });
    expect(response.status).toBe(200);
    return response.body.items as Array<{ id: string; status: string; title: string }>;
  };

  beforeAll(async () => {
    const redactor = new SecretRedactor();
    redactor.remember(knownSecret);
    app = await startTestApplication({
      redactor,
      environment: { AURORA_KB_CONVERSATION_IDLE_MINUTES: String(idleMinutes) },
      serviceOverrides: { languageModel: chatModel(() => script) },
    });
    org = await createTestOrganization(app, 'memory');
    other = await createTestOrganization(app, 'memory-other');
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
  });

  it('indexes a conversation once idle (not while in use), re-indexes it in place when it goes on, only for its org', async () => {
    const client = await ChatClient.connect(app.url, { token: org.tokens.viewer });
    clients.push(client);
    const sessionId = await client.openSession();
    // The model searches the knowledge base (a tool call whose input and output must stay out of memory), then answers.
    script = new ScriptedModel([
      [{ toolCall: { name: 'knowledge_search', input: { query: 'quokkatoolinput eviction' } } }],
      [{ text: 'Restart the flamingo cache with warm-up enabled, then watch the eviction rate.' }],
    ]);
    await ask(
      client,
      sessionId,
      `How do I stop the flamingo cache eviction storm? Our admin password=hunter2hunter2 and key ${knownSecret} did not help.`,
    );

    // Just used: not finished yet, so nothing is indexed.
    expect(await app.services.conversationMemory.sweep()).toEqual({ indexed: 0, empty: 0, failed: 0 });
    expect(await conversationDocuments(org.tokens.viewer)).toEqual([]);

    expect(await app.services.conversationMemory.sweep({ now: afterIdle() })).toMatchObject({ indexed: 1, failed: 0 });
    const [document] = await conversationDocuments(org.tokens.viewer);
    expect(document).toBeDefined();
    expect(await waitForDocument(app, org.tokens.viewer, document!.id)).toMatchObject({
      status: 'indexed',
      kind: 'conversation',
      title: expect.stringContaining('flamingo cache eviction storm'),
    });

    const found = await search(org.tokens.viewer, 'flamingo eviction storm');
    expect(found.status).toBe(200);
    expect(found.body.results.length).toBeGreaterThan(0);
    const [hit] = found.body.results;
    expect(hit).toMatchObject({ documentId: document!.id, kind: 'conversation', sourceId: sessionId });
    expect(hit.text).toContain('Restart the flamingo cache with warm-up enabled');
    expect(hit.text).toContain('How do I stop the flamingo cache eviction storm');
    // Secrets masked: a credential-shaped pair and a value the process knows; tool input/output left out.
    expect(hit.text).toContain('password=[REDACTED]');
    expect(hit.text).not.toContain('hunter2hunter2');
    expect(hit.text).not.toContain(knownSecret);
    expect(hit.text).not.toContain('quokkatoolinput');
    expect((await search(org.tokens.viewer, 'quokkatoolinput')).body.results).toEqual([]);
    const stored = await app.platform.database.query<{ text: string }>(
      `select c.text from knowledge_chunks c where c.document_id = $1`,
      [document!.id],
    );
    expect(stored.map((row) => row.text).join('\n')).not.toMatch(/hunter2hunter2|kn0wn-s3cret|quokkatoolinput/);

    // The agent tool's citation leads back to the session.
    const cited = await runKnowledgeSearch(app.services.knowledge, org.orgId, {
      query: 'flamingo eviction storm',
      kinds: ['conversation'],
    });
    expect(cited.results[0]?.citation).toMatchObject({
      kind: 'conversation',
      source: { kind: 'conversation', id: sessionId },
      reference: expect.stringContaining(`chat session ${sessionId}`),
    });

    // Nothing new: a later sweep leaves it alone.
    expect(await app.services.conversationMemory.sweep({ now: afterIdle() })).toEqual({
      indexed: 0,
      empty: 0,
      failed: 0,
    });

    // The conversation goes on: indexed again once idle, in the same document (no duplicate).
    script = new ScriptedModel([[{ text: 'Drain the pelican queue before you restart the consumers.' }]]);
    await ask(client, sessionId, 'And what about the pelican queue backlog?');
    expect(await app.services.conversationMemory.sweep()).toMatchObject({ indexed: 0 });
    expect(await app.services.conversationMemory.sweep({ now: afterIdle() })).toMatchObject({ indexed: 1 });
    expect((await waitForDocument(app, org.tokens.viewer, document!.id)).status).toBe('indexed');
    const documents = await conversationDocuments(org.tokens.viewer);
    expect(documents.map((entry) => entry.id)).toEqual([document!.id]);
    const pelican = await search(org.tokens.viewer, 'pelican queue backlog');
    expect(pelican.body.results[0]).toMatchObject({ documentId: document!.id, sourceId: sessionId });
    expect(pelican.body.results[0].text).toContain('Drain the pelican queue');
    expect((await search(org.tokens.viewer, 'flamingo eviction')).body.results[0]).toMatchObject({
      documentId: document!.id,
    });

    // Another org finds nothing and cannot read the document.
    expect((await search(other.tokens.admin, 'flamingo eviction storm')).body.results).toEqual([]);
    expect((await search(other.tokens.admin, 'pelican queue')).body.results).toEqual([]);
    expect(await conversationDocuments(other.tokens.admin)).toEqual([]);
    expect(
      (await api(app, 'GET', `/api/v1/knowledge/documents/${document!.id}`, { token: other.tokens.admin })).status,
    ).toBe(404);
  });

  it('is indexed by the chat.memory.sweep job once the idle time has really passed', async () => {
    const client = await ChatClient.connect(app.url, { token: org.tokens.editor });
    clients.push(client);
    const sessionId = await client.openSession();
    script = new ScriptedModel([[{ text: 'Rotate the walrus certificate and reload the ingress.' }]]);
    await ask(client, sessionId, 'The walrus gateway says its certificate expired. What now?');
    // Time passing, as the database sees it: the session and its messages are two hours old.
    await app.platform.database.query(
      `update chat_sessions set updated_at = updated_at - interval '2 hours' where id = $1`,
      [sessionId],
    );
    await app.platform.database.query(
      `update chat_messages set created_at = created_at - interval '2 hours' where session_id = $1`,
      [sessionId],
    );
    await app.platform.queue.enqueue('chat.memory.sweep', {});
    const deadline = Date.now() + 30_000;
    let results: Array<{ sourceId: string; text: string }> = [];
    while (Date.now() < deadline) {
      results = (await search(org.tokens.viewer, 'walrus certificate')).body.results;
      if (results.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(results[0]).toMatchObject({ sourceId: sessionId });
    expect(results[0]?.text).toContain('Rotate the walrus certificate');
  });

  it('marks a conversation with no text (opened and left) without indexing anything', async () => {
    const client = await ChatClient.connect(app.url, { token: other.tokens.viewer });
    clients.push(client);
    await client.openSession();
    expect(await app.services.conversationMemory.sweep({ now: afterIdle() })).toMatchObject({
      indexed: 0,
      empty: 1,
    });
    expect(await app.services.conversationMemory.sweep({ now: afterIdle() })).toMatchObject({ empty: 0 });
    expect(await conversationDocuments(other.tokens.admin)).toEqual([]);
  });
});
