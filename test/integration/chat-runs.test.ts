import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { ChatClient } from '../support/chat-client.js';
import { chatModel, ScriptedModel } from '../support/scripted-model.js';

describe('chat runs: cancel and reconnect', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let script: ScriptedModel | undefined;
  const clients: ChatClient[] = [];
  const connect = async () => {
    const client = await ChatClient.connect(app.url, { token: org.tokens.viewer });
    clients.push(client);
    return client;
  };
  const words = Array.from({ length: 200 }, (_, index) => ` word${index}`);

  beforeAll(async () => {
    app = await startTestApplication({ serviceOverrides: { languageModel: chatModel(() => script) } });
    org = await createTestOrganization(app);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
  });

  it('cancels in the middle of the stream and saves the partial answer', async () => {
    script = new ScriptedModel([[{ text: words }]], { chunkDelayMs: 20 });
    const client = await connect();
    const sessionId = await client.openSession();
    client.send({ type: 'message.send', sessionId, text: 'Tell me a long story' });
    const { runId } = await client.next('run.started');
    for (let index = 0; index < 5; index++) await client.next('text.delta');
    client.send({ type: 'run.cancel', runId });
    const finished = await client.next('run.finished');
    expect(finished).toMatchObject({ runId, status: 'cancelled' });

    const received = client
      .runFrames(runId)
      .filter((frame) => frame.type === 'text.delta')
      .map((frame) => frame.delta)
      .join('');
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThan(words.join('').length);
    // The model stream really stopped: no delta after run.finished.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(client.frames.at(-1)).toMatchObject({ type: 'run.finished' });

    const messages = await api(app, 'GET', `/api/v1/chat/sessions/${sessionId}/messages`, { token: org.tokens.viewer });
    const saved = messages.body.items.find((item: { role: string }) => item.role === 'assistant');
    expect(saved).toMatchObject({ kind: 'text', status: 'cancelled' });
    expect(received.startsWith(saved.content)).toBe(true);
    expect(saved.content.length).toBeGreaterThan(0);
    const [run] = await app.platform.database.query<{ status: string }>('select status from agent_runs where id = $1', [
      runId,
    ]);
    expect(run?.status).toBe('cancelled');
  });

  it('refuses to cancel a run that is not yours', async () => {
    script = new ScriptedModel([[{ text: words.slice(0, 50) }]], { chunkDelayMs: 10 });
    const owner = await connect();
    const sessionId = await owner.openSession();
    owner.send({ type: 'message.send', sessionId, text: 'go' });
    const { runId } = await owner.next('run.started');
    const stranger = await ChatClient.connect(app.url, { token: org.tokens.editor });
    clients.push(stranger);
    stranger.send({ type: 'run.cancel', runId });
    expect(await stranger.next('error')).toMatchObject({ code: 'not_found' });
    expect(await owner.next('run.finished')).toMatchObject({ status: 'completed' });
  });

  it('gives a reconnecting client the rest of a run in progress', async () => {
    script = new ScriptedModel([[{ text: words }]], { chunkDelayMs: 10 });
    const first = await connect();
    const sessionId = await first.openSession();
    first.send({ type: 'message.send', sessionId, text: 'stream please' });
    const { runId } = await first.next('run.started');
    for (let index = 0; index < 10; index++) await first.next('text.delta');
    first.socket.terminate();

    const second = await connect();
    second.send({ type: 'session.open', sessionId });
    const opened = await second.next('session.opened');
    expect(opened).toMatchObject({ sessionId, activeRunId: runId });
    // A run in progress is listed as such.
    const sessions = await api(app, 'GET', '/api/v1/chat/sessions', { token: org.tokens.viewer });
    expect(sessions.body.items.find((item: { id: string }) => item.id === sessionId).activeRunId).toBe(runId);

    const finished = await second.next('run.finished', 15_000);
    expect(finished).toMatchObject({ runId, status: 'completed' });
    const frames = second.runFrames(runId);
    expect(frames[0]).toMatchObject({ type: 'run.started', runId, sessionId });
    const text = frames
      .filter((frame) => frame.type === 'text.delta')
      .map((frame) => frame.delta)
      .join('');
    expect(text).toBe(words.join(''));

    const messages = await api(app, 'GET', `/api/v1/chat/sessions/${sessionId}/messages`, { token: org.tokens.viewer });
    expect(messages.body.items.at(-1)).toMatchObject({
      role: 'assistant',
      content: words.join(''),
      status: 'complete',
    });
  });

  it('refuses a second message while a run is in progress in the session', async () => {
    script = new ScriptedModel([[{ text: words.slice(0, 40) }]], { chunkDelayMs: 10 });
    const client = await connect();
    const sessionId = await client.openSession();
    client.send({ type: 'message.send', sessionId, text: 'one' });
    await client.next('run.started');
    client.send({ type: 'message.send', sessionId, text: 'two' });
    expect(await client.next('error')).toMatchObject({ code: 'conflict' });
    expect(await client.next('run.finished')).toMatchObject({ status: 'completed' });
  });
});
