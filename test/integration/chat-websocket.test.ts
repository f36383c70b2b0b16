import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { ChatClient } from '../support/chat-client.js';
import { ScriptedModel, type ScriptedTurn } from '../support/scripted-model.js';

/** Real WebSockets against the real server; the model is scripted (the AI SDK's mock model). */
describe('chat over WebSocket', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let script: ScriptedModel | undefined;
  let summaryScript: ScriptedModel | undefined;
  const clients: ChatClient[] = [];
  const connect = async (auth: { token?: string; ticket?: string }) => {
    const client = await ChatClient.connect(app.url, auth);
    clients.push(client);
    return client;
  };
  const scriptTurns = (turns: ScriptedTurn[], options = {}) => {
    script = new ScriptedModel(turns, options);
    return script;
  };

  beforeAll(async () => {
    app = await startTestApplication({
      environment: { AURORA_CHAT_HISTORY_TOKENS: '600' },
      serviceOverrides: {
        languageModel: ({ role }) =>
          role === 'summary' ? summaryScript?.model : role === 'chat' ? script?.model : undefined,
      },
    });
    org = await createTestOrganization(app);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
  });

  it('closes with 4401 without credentials, with a bad token, and on a reused ticket', async () => {
    const anonymous = await connect({});
    expect((await anonymous.closed).code).toBe(4401);
    const badToken = await connect({ token: 'aur_not-a-real-token' });
    expect((await badToken.closed).code).toBe(4401);

    const issued = await api(app, 'POST', '/api/v1/ws-ticket', { token: org.tokens.viewer });
    expect(issued.status).toBe(200);
    expect(issued.body.ticket).toMatch(/^wst_/);
    const first = await connect({ ticket: issued.body.ticket });
    expect(await first.openSession()).toMatch(/^[0-9a-f-]{36}$/);
    const reused = await connect({ ticket: issued.body.ticket });
    expect((await reused.closed).code).toBe(4401);
    const forged = await connect({ ticket: 'wst_forged' });
    expect((await forged.closed).code).toBe(4401);
  });

  it('answers a bad frame with an error and stays open; closes with 1009 on a frame over 1 MB', async () => {
    const client = await connect({ token: org.tokens.viewer });
    client.send('not json');
    expect(await client.next('error')).toMatchObject({ code: 'bad_frame' });
    client.send({ type: 'message.send', text: 'no session id' });
    expect(await client.next('error')).toMatchObject({
      code: 'bad_frame',
      message: expect.stringContaining('sessionId'),
    });
    client.send({ type: 'teleport' });
    expect(await client.next('error')).toMatchObject({ code: 'bad_frame' });
    // Still open and working.
    expect(await client.openSession()).toBeTruthy();
    client.send({ type: 'session.open', sessionId: '00000000-0000-4000-8000-000000000000' });
    expect(await client.next('error')).toMatchObject({ code: 'not_found' });

    client.send({
      type: 'message.send',
      sessionId: '00000000-0000-4000-8000-000000000000',
      text: 'x'.repeat(1024 * 1024 + 10),
    });
    expect((await client.closed).code).toBe(1009);
  });

  it('says which settings to set when no model is configured', async () => {
    script = undefined;
    const client = await connect({ token: org.tokens.viewer });
    const sessionId = await client.openSession();
    client.send({ type: 'message.send', sessionId, text: 'hello?' });
    const started = await client.next('run.started');
    const finished = await client.next('run.finished');
    expect(finished).toMatchObject({ runId: started.runId, status: 'failed' });
    expect(finished.error).toContain('LLM_PROVIDER');
    expect(finished.error).toContain('LLM_MODEL');
    expect(finished.error).toContain('PUT /api/v1/settings/llm');
  });

  it('streams text deltas in order, reports usage, and stores the conversation', async () => {
    const answer = 'Three incidents are open right now, the oldest since 09:12 UTC.';
    scriptTurns([[{ text: answer }]], { chunkDelayMs: 2, usage: { inputTokens: 120, outputTokens: 14 } });
    const client = await connect({ token: org.tokens.viewer });
    const sessionId = await client.openSession();
    client.send({ type: 'message.send', sessionId, text: 'What is open?' });
    const started = await client.next('run.started');
    expect(started.sessionId).toBe(sessionId);
    const finished = await client.next('run.finished');
    expect(finished.status).toBe('completed');

    const frames = client.runFrames(started.runId);
    const deltas = frames.filter((frame) => frame.type === 'text.delta').map((frame) => frame.delta);
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(answer);
    expect(frames.map((frame) => frame.type).at(0)).toBe('run.started');
    expect(frames.map((frame) => frame.type).slice(-2)).toEqual(['usage', 'run.finished']);
    expect(frames.find((frame) => frame.type === 'usage')).toMatchObject({ inputTokens: 120, outputTokens: 14 });

    const messages = await api(app, 'GET', `/api/v1/chat/sessions/${sessionId}/messages`, { token: org.tokens.viewer });
    expect(messages.status).toBe(200);
    expect(messages.body.items.map((item: { role: string; content: string }) => [item.role, item.content])).toEqual([
      ['user', 'What is open?'],
      ['assistant', answer],
    ]);
    const sessions = await api(app, 'GET', '/api/v1/chat/sessions', { token: org.tokens.viewer });
    expect(sessions.body.items.find((item: { id: string }) => item.id === sessionId)).toMatchObject({
      title: 'What is open?',
      activeRunId: null,
    });
    // Private to their owner, even within the org.
    const other = await api(app, 'GET', `/api/v1/chat/sessions/${sessionId}/messages`, { token: org.tokens.editor });
    expect(other.status).toBe(404);
  });

  it('reloads the history on the next message, in a new connection', async () => {
    const model = scriptTurns([[{ text: 'The payment service is degraded.' }], [{ text: 'It started at 09:12.' }]]);
    const first = await connect({ token: org.tokens.viewer });
    const sessionId = await first.openSession();
    first.send({ type: 'message.send', sessionId, text: 'Which service is down?' });
    await first.next('run.finished');
    first.close();

    const second = await connect({ token: org.tokens.viewer });
    await second.openSession(sessionId);
    second.send({ type: 'message.send', sessionId, text: 'Since when?' });
    expect(await second.next('run.finished')).toMatchObject({ status: 'completed' });
    const prompt = model.prompt(1);
    expect(prompt).toContain('user: Which service is down?');
    expect(prompt).toContain('assistant: The payment service is degraded.');
    expect(prompt).toContain('user: Since when?');
    expect(prompt.indexOf('Which service is down?')).toBeLessThan(prompt.indexOf('Since when?'));
  });

  it('summarises older turns when the history exceeds its token budget', async () => {
    summaryScript = new ScriptedModel([[{ text: 'SUMMARY: the user asked about checkout latency twice.' }]]);
    const long = (label: string) => `${label} ${'checkout latency details '.repeat(40)}`;
    const model = scriptTurns([], { fallback: [{ text: 'noted' }] });
    const client = await connect({ token: org.tokens.viewer });
    const sessionId = await client.openSession();
    for (const label of ['first', 'second', 'third']) {
      client.send({ type: 'message.send', sessionId, text: long(label) });
      expect(await client.next('run.finished')).toMatchObject({ status: 'completed' });
    }
    expect(summaryScript.calls.length).toBeGreaterThanOrEqual(1);
    expect(summaryScript.prompt(0)).toContain('first checkout latency');
    const last = model.prompt(model.calls.length - 1);
    expect(last).toContain('SUMMARY: the user asked about checkout latency twice.');
    expect(last).not.toContain('first checkout latency');
    expect(last).toContain('third checkout latency');
    // The stored history is complete: compaction only changes what the model is sent.
    const messages = await api(app, 'GET', `/api/v1/chat/sessions/${sessionId}/messages`, { token: org.tokens.viewer });
    expect(messages.body.items.filter((item: { role: string }) => item.role === 'user')).toHaveLength(3);
    summaryScript = undefined;
  });
});
