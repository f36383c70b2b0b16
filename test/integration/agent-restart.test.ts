import { afterAll, describe, expect, it } from 'vitest';
import { type RunningApplication, startApplication } from '../../src/server/application.js';
import { alertmanagerPayload } from '../support/alert-payloads.js';
import { api, createTestOrganization, startTestApplication, type TestApplication } from '../support/application.js';
import { ChatClient } from '../support/chat-client.js';
import { silentLogger } from '../support/logger.js';
import { chatModel, ScriptedModel } from '../support/scripted-model.js';

describe('a pending approval across a restart', () => {
  let first: TestApplication | undefined;
  let second: RunningApplication | undefined;
  afterAll(async () => {
    await second?.stop();
    await first?.close();
  });

  it('stays pending and answerable; approving after the restart runs the call', async () => {
    let script: ScriptedModel | undefined;
    first = await startTestApplication({ serviceOverrides: { languageModel: chatModel(() => script) } });
    const org = await createTestOrganization(first);
    const integration = await api(first, 'POST', '/api/v1/integrations', {
      token: org.tokens.admin,
      body: { source: 'alertmanager', name: 'prometheus' },
    });
    await api(first, 'POST', integration.body.url, {
      body: alertmanagerPayload([{ alertname: 'QueueBacklog', service: 'worker', severity: 'warning' }]),
      headers: { authorization: `Bearer ${integration.body.secret}` },
    });
    const incidentId = (await api(first, 'GET', '/api/v1/incidents', { token: org.tokens.viewer })).body.items[0].id;

    script = new ScriptedModel([
      [{ text: 'Resolving it.' }, { toolCall: { name: 'update_incident', input: { incidentId, status: 'resolved' } } }],
    ]);
    const client = await ChatClient.connect(first.url, { token: org.tokens.editor });
    const sessionId = await client.openSession();
    client.send({ type: 'message.send', sessionId, text: 'Resolve the backlog incident', mode: 'agent' });
    const { runId } = await client.next('run.started');
    const requested = await client.next('confirmation.requested');

    await first.stop();
    second = await startApplication(first.config, {
      roles: ['api', 'worker', 'scheduler'],
      logger: silentLogger(),
      serviceOverrides: { languageModel: chatModel(() => script) },
    });
    const restarted = { url: second.url! };

    const [run] = await second.platform.database.query<{ status: string }>(
      'select status from agent_runs where id = $1',
      [runId],
    );
    expect(run?.status).toBe('interrupted');
    const pending = await api(restarted, 'GET', '/api/v1/approvals?status=pending', { token: org.tokens.viewer });
    expect(pending.body.items.map((item: { id: string }) => item.id)).toContain(requested.confirmationId);
    // The answer written before the stop was kept.
    const messages = await api(restarted, 'GET', `/api/v1/chat/sessions/${sessionId}/messages`, {
      token: org.tokens.editor,
    });
    expect(messages.body.items.map((item: { kind: string }) => item.kind)).toEqual([
      'text',
      'text',
      'tool_call',
      'tool_result',
    ]);
    expect(messages.body.items.at(-1)).toMatchObject({ data: { status: 'cancelled' } });
    expect(messages.body.items.at(-1).content).toContain('The approval stays open');

    const approved = await api(restarted, 'POST', `/api/v1/approvals/${requested.confirmationId}`, {
      token: org.tokens.editor,
      body: { decision: 'approve' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      status: 'approved',
      resolution: { runEnded: true, executed: true, status: 'ok' },
    });
    const incident = await api(restarted, 'GET', `/api/v1/incidents/${incidentId}`, { token: org.tokens.viewer });
    expect(incident.body.status).toBe('resolved');
  });
});
