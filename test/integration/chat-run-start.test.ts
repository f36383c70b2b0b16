import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorsService } from '../../src/features/connectors/connectors.service.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { ChatClient } from '../support/chat-client.js';
import { chatModel, ScriptedModel } from '../support/scripted-model.js';

/**
 * How a run starts: only what the model needs (history, prompt, tools) is read before it is called; the user's
 * message and the run record are written while it answers, and a run whose writes fail stops as failed. The org's
 * connections are cached for the prompt and dropped when they change, here or in another process.
 */
describe('chat run start', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let script: ScriptedModel | undefined;
  let prometheus: Server;
  let prometheusUrl: string;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    // A Prometheus stand-in: the one documented call a connection is checked with.
    prometheus = createServer((request, response) => {
      const ok = request.url === '/api/v1/status/buildinfo';
      response
        .writeHead(ok ? 200 : 404, { 'content-type': 'application/json' })
        .end(JSON.stringify(ok ? { status: 'success', data: { version: '2.53.0' } } : { status: 'error' }));
    });
    await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
    prometheusUrl = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
    app = await startTestApplication({
      environment: { AURORA_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1' },
      serviceOverrides: { languageModel: chatModel(() => script) },
    });
    org = await createTestOrganization(app, 'run-start');
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
    await new Promise((resolve) => prometheus?.close(resolve));
  });

  async function open() {
    const client = await ChatClient.connect(app.url, { token: org.tokens.editor });
    clients.push(client);
    return { client, sessionId: await client.openSession() };
  }

  async function ask(text: string, session?: { client: ChatClient; sessionId: string }) {
    const { client, sessionId } = session ?? (await open());
    client.send({ type: 'message.send', sessionId, text });
    const { runId } = await client.next('run.started');
    const finished = await client.next('run.finished');
    return { client, sessionId, runId: runId as string, finished };
  }

  const runRow = async (runId: string) =>
    (
      await app.platform.database.query<{ status: string; error: string | null; session_id: string }>(
        'select status, error, session_id from agent_runs where id = $1',
        [runId],
      )
    )[0];
  const stored = async (sessionId: string) =>
    (await api(app, 'GET', `/api/v1/chat/sessions/${sessionId}/messages`, { token: org.tokens.editor })).body.items.map(
      (item: { role: string; content: string; status: string }) => [item.role, item.content, item.status],
    );

  it('stores the question before the answer, and the run record, while the model answers', async () => {
    script = new ScriptedModel([[{ text: 'Nothing is open.' }], [{ text: 'Still nothing.' }]], { chunkDelayMs: 2 });
    const first = await ask('Anything open?');
    expect(first.finished.status).toBe('completed');
    const second = await ask('And now?', first);
    expect(second.finished.status).toBe('completed');
    // The second call was shown the first turn and then the new question, which was not stored yet.
    expect(script.prompt(1)).toMatch(/user: Anything open\?\nassistant: Nothing is open\.\nuser: And now\?$/);
    expect(await stored(first.sessionId)).toEqual([
      ['user', 'Anything open?', 'complete'],
      ['assistant', 'Nothing is open.', 'complete'],
      ['user', 'And now?', 'complete'],
      ['assistant', 'Still nothing.', 'complete'],
    ]);
    expect(await runRow(second.runId)).toMatchObject({ status: 'completed', session_id: first.sessionId });
  });

  it('stops the run as failed, and keeps no answer, when the question cannot be stored', async () => {
    await app.platform.database.exec(`
      create or replace function refuse_test_message() returns trigger language plpgsql as $$
      begin
        if new.content like '%[refused]%' then raise exception 'refused by the test'; end if;
        return new;
      end $$;
      create trigger refuse_test_message before insert on chat_messages
        for each row execute function refuse_test_message();`);
    try {
      script = new ScriptedModel([[{ text: Array.from({ length: 40 }, (_, index) => ` word${index}`) }]], {
        chunkDelayMs: 20,
      });
      const { finished, sessionId, runId } = await ask('[refused] tell me a long story');
      expect(finished).toMatchObject({ status: 'failed', error: expect.stringContaining('could not be saved') });
      expect(await stored(sessionId)).toEqual([]);
      expect(await runRow(runId)).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('could not be saved'),
      });
    } finally {
      await app.platform.database.exec(
        'drop trigger refuse_test_message on chat_messages; drop function refuse_test_message();',
      );
    }
  });

  it('stops the run as failed, before any tool runs, when its run record cannot be stored', async () => {
    const session = await open();
    // Session ids are uuids generated by the server, so the literal is safe here.
    await app.platform.database.exec(`
      create or replace function refuse_test_run() returns trigger language plpgsql as $$
      begin
        if new.session_id = '${session.sessionId}' then raise exception 'refused by the test'; end if;
        return new;
      end $$;
      create trigger refuse_test_run before insert on agent_runs
        for each row execute function refuse_test_run();`);
    try {
      script = new ScriptedModel(
        [
          [
            { text: Array.from({ length: 10 }, (_, index) => ` word${index}`) },
            { toolCall: { name: 'list_incidents', input: {} } },
          ],
          [{ text: 'Done.' }],
        ],
        { chunkDelayMs: 20 },
      );
      const { client, finished, runId } = await ask('List the incidents', session);
      expect(finished).toMatchObject({ status: 'failed', error: expect.stringContaining('could not be stored') });
      expect(client.runFrames(runId).some((frame) => frame.type === 'tool.finished' && frame.status === 'ok')).toBe(
        false,
      );
      expect(await runRow(runId)).toBeUndefined();
    } finally {
      await app.platform.database.exec('drop trigger refuse_test_run on agent_runs; drop function refuse_test_run();');
    }
  });

  it('shows the model a connection added in another process, and forgets it once removed here', async () => {
    script = new ScriptedModel([[{ text: 'a' }], [{ text: 'b' }], [{ text: 'c' }]]);
    await ask('What is connected?');
    expect(script.prompt(0)).toContain('has not connected any cloud, cluster or monitoring provider');

    // "Another api process": its own connectors service over the same database and event bus.
    const { platform, config } = app;
    const elsewhere = new ConnectorsService({
      database: platform.database,
      secrets: platform.secrets,
      audit: platform.audit,
      events: platform.events,
      queue: platform.queue,
      cache: platform.cache,
      registry: new Registry(),
      logger: platform.logger,
      config: config.connectors,
      publicUrl: config.server.publicUrl,
      outbound: platform.outbound,
    });
    const connection = await elsewhere.create(
      { kind: 'session', userId: org.userIds.editor, email: 'editor@example.com', orgId: org.orgId, role: 'editor' },
      'prometheus',
      { kind: 'bearer', name: 'Metrics', url: prometheusUrl, token: 'prometheus-token' },
    );
    // The other process's change reaches this one over the event bus (Redis when REDIS_URL is set).
    await expect
      .poll(async () => (await app.services.connectors.listConnectedProviders(org.orgId)).length, { timeout: 5_000 })
      .toBe(1);
    await ask('And now?');
    expect(script.prompt(1)).toContain('Metrics');

    const removed = await api(app, 'DELETE', `/api/v1/connectors/connections/${connection.id}`, {
      token: org.tokens.editor,
    });
    expect(removed.status).toBe(200);
    await ask('And now?');
    expect(script.prompt(2)).toContain('has not connected any cloud, cluster or monitoring provider');
  });
});
