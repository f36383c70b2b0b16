import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApprovalsService, defineTool } from '../../src/features/agent/index.js';
import { MemoryEventBus } from '../../src/platform/events/memory-event-bus.js';
import { alertmanagerPayload } from '../support/alert-payloads.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { ChatClient } from '../support/chat-client.js';
import { silentLogger } from '../support/logger.js';
import { chatModel, ScriptedModel } from '../support/scripted-model.js';

describe('approvals of mutating tool calls', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let script: ScriptedModel | undefined;
  let incidentId: string;
  const clients: ChatClient[] = [];

  const connect = async (token: string) => {
    const client = await ChatClient.connect(app.url, { token });
    clients.push(client);
    return client;
  };
  const incident = async () =>
    (await api(app, 'GET', `/api/v1/incidents/${incidentId}`, { token: org.tokens.viewer })).body;
  const updateScript = (severity: string) =>
    new ScriptedModel([
      [{ toolCall: { name: 'update_incident', input: { incidentId, severity } } }],
      [{ text: 'Done.' }],
    ]);
  async function startAgentRun(client: ChatClient, text: string) {
    const sessionId = await client.openSession();
    client.send({ type: 'message.send', sessionId, text, mode: 'agent' });
    const started = await client.next('run.started');
    const requested = await client.next('confirmation.requested');
    return { sessionId, runId: started.runId as string, requested };
  }

  beforeAll(async () => {
    app = await startTestApplication({
      environment: { AURORA_APPROVAL_TIMEOUT_SECONDS: '5' },
      serviceOverrides: { languageModel: chatModel(() => script) },
    });
    org = await createTestOrganization(app);
    const integration = await api(app, 'POST', '/api/v1/integrations', {
      token: org.tokens.admin,
      body: { source: 'alertmanager', name: 'prometheus' },
    });
    await api(app, 'POST', integration.body.url, {
      body: alertmanagerPayload([{ alertname: 'DiskFull', service: 'db', severity: 'warning' }]),
      headers: { authorization: `Bearer ${integration.body.secret}` },
    });
    incidentId = (await api(app, 'GET', '/api/v1/incidents', { token: org.tokens.viewer })).body.items[0].id;
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app?.close();
  });

  it('waits for approval over the WebSocket, then runs the call', async () => {
    script = updateScript('critical');
    const client = await connect(org.tokens.editor);
    const { runId, requested } = await startAgentRun(client, 'Escalate it');
    expect(requested).toMatchObject({ runId, tool: 'update_incident', input: { incidentId, severity: 'critical' } });
    expect(requested.summary).toContain('severity → critical');
    expect(new Date(requested.expiresAt).getTime()).toBeGreaterThan(Date.now());
    // Nothing has changed yet.
    expect((await incident()).severity).toBe('warning');
    const pending = await api(app, 'GET', '/api/v1/approvals?status=pending', { token: org.tokens.viewer });
    expect(pending.body.items.map((item: { id: string }) => item.id)).toContain(requested.confirmationId);

    client.send({ type: 'confirmation.respond', confirmationId: requested.confirmationId, decision: 'approve' });
    const finished = await client.next('tool.finished');
    expect(finished).toMatchObject({ tool: 'update_incident', status: 'ok' });
    expect(await client.next('run.finished')).toMatchObject({ status: 'completed' });
    const after = await incident();
    expect(after.severity).toBe('critical');
    expect(after.timeline.find((entry: { type: string }) => entry.type === 'severity.changed').actor.id).toBe(
      org.userIds.editor,
    );

    const audit = await app.platform.database.query<{ action: string; actor_id: string }>(
      'select action, actor_id from audit_log where org_id = $1 and target_id = $2 order by id',
      [org.orgId, requested.confirmationId],
    );
    expect(audit.map((row) => row.action)).toEqual(['approval.requested', 'approval.approved']);
  });

  it('returns a refusal to the model when denied', async () => {
    script = updateScript('info');
    const client = await connect(org.tokens.editor);
    const { requested } = await startAgentRun(client, 'Downgrade it');
    client.send({ type: 'confirmation.respond', confirmationId: requested.confirmationId, decision: 'deny' });
    expect(await client.next('tool.finished')).toMatchObject({ status: 'denied' });
    expect(await client.next('run.finished')).toMatchObject({ status: 'completed' });
    expect(script.prompt(1)).toContain('A human denied this action, so it was NOT performed');
    expect((await incident()).severity).toBe('critical');
    // A decided approval cannot be decided again.
    const again = await api(app, 'POST', `/api/v1/approvals/${requested.confirmationId}`, {
      token: org.tokens.admin,
      body: { decision: 'approve' },
    });
    expect(again.status).toBe(409);
  });

  it('accepts the decision through the HTTP API from another connection and user', async () => {
    script = updateScript('high');
    const client = await connect(org.tokens.editor);
    const { requested } = await startAgentRun(client, 'Set it to high');
    // A viewer may see it but not decide it.
    const refused = await api(app, 'POST', `/api/v1/approvals/${requested.confirmationId}`, {
      token: org.tokens.viewer,
      body: { decision: 'approve' },
    });
    expect(refused.status).toBe(403);
    const approved = await api(app, 'POST', `/api/v1/approvals/${requested.confirmationId}`, {
      token: org.tokens.admin,
      body: { decision: 'approve' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: org.adminUserId, resolution: null });
    expect(await client.next('tool.finished')).toMatchObject({ status: 'ok' });
    expect(await client.next('run.finished')).toMatchObject({ status: 'completed' });
    expect((await incident()).severity).toBe('high');
  });

  it('expires after the configured time and tells the model it was not approved', async () => {
    script = updateScript('info');
    const client = await connect(org.tokens.editor);
    const { requested } = await startAgentRun(client, 'Downgrade it later');
    expect(await client.next('tool.finished', 15_000)).toMatchObject({ status: 'expired' });
    expect(await client.next('run.finished')).toMatchObject({ status: 'completed' });
    expect(script.prompt(1)).toContain('Nobody approved this action within 5 seconds');
    const late = await api(app, 'POST', `/api/v1/approvals/${requested.confirmationId}`, {
      token: org.tokens.admin,
      body: { decision: 'approve' },
    });
    expect(late.status).toBe(409);
    expect((await incident()).severity).toBe('high');
  });

  it('wakes a waiter that never hears the event, by polling the database', async () => {
    // A second service with its own (silent) event bus stands for another process that misses the wake-up.
    const elsewhere = new ApprovalsService(
      app.platform.database,
      new MemoryEventBus(),
      app.platform.audit,
      silentLogger(),
      {
        timeoutSeconds: 60,
        pollIntervalMs: 200,
      },
    );
    const runId = randomUUID();
    await app.platform.database.query(
      `insert into agent_runs (id, org_id, kind, mode, status) values ($1, $2, 'investigation', 'agent', 'running')`,
      [runId, org.orgId],
    );
    const approval = await elsewhere.request({
      orgId: org.orgId,
      runId,
      callId: 'call-1',
      tool: 'update_incident',
      input: { incidentId, status: 'investigating' },
      summary: 'Update incident',
      approverRole: 'editor',
    });
    const waiting = elsewhere.waitForDecision(org.orgId, approval);
    const decided = await api(app, 'POST', `/api/v1/approvals/${approval.id}`, {
      token: org.tokens.editor,
      body: { decision: 'deny' },
    });
    expect(decided.status).toBe(200);
    expect(await waiting).toEqual({ status: 'denied', decidedBy: org.userIds.editor });
  });

  it('still answers an approval whose run died (a restart): approving runs the call and records the outcome', async () => {
    const runId = randomUUID();
    await app.platform.database.query(
      `insert into agent_runs (id, org_id, kind, mode, status) values ($1, $2, 'chat', 'agent', 'running')`,
      [runId, org.orgId],
    );
    const approval = await app.services.agent.approvals.request({
      orgId: org.orgId,
      runId,
      callId: 'call-orphan',
      tool: 'update_incident',
      input: { incidentId, status: 'investigating' },
      summary: 'Update incident: status → investigating',
      approverRole: 'editor',
    });
    // What start-up does after a restart: runs left running by the dead process are interrupted.
    expect(await app.services.agent.runner.interruptStaleRuns(new Date(Date.now() + 1_000))).toBeGreaterThanOrEqual(1);
    const pending = await api(app, 'GET', '/api/v1/approvals?status=pending', { token: org.tokens.viewer });
    expect(pending.body.items.map((item: { id: string }) => item.id)).toContain(approval.id);

    const approved = await api(app, 'POST', `/api/v1/approvals/${approval.id}`, {
      token: org.tokens.editor,
      body: { decision: 'approve' },
    });
    expect(approved.status).toBe(200);
    expect(approved.body.resolution).toMatchObject({ runEnded: true, executed: true, status: 'ok' });
    expect((await incident()).status).toBe('investigating');
    const [call] = await app.platform.database.query<{ status: string; approval_id: string }>(
      'select status, approval_id from agent_tool_calls where org_id = $1 and run_id = $2',
      [org.orgId, runId],
    );
    expect(call).toEqual({ status: 'ok', approval_id: approval.id });
  });

  it('runs an approved call as the approver, with the role they hold when it runs', async () => {
    // A probe standing in for any mutating tool: it reports whom it was told to act as.
    app.services.agent.registry.register(
      defineTool({
        name: 'approval_probe',
        description: 'Reports who approved it (test only).',
        input: z.object({}),
        access: 'mutating',
        connector: null,
        execute: async (_input, context) => ({
          userId: context.approvedBy?.userId,
          email: context.approvedBy?.email,
          role: context.approvedBy?.role,
        }),
      }),
    );
    script = new ScriptedModel([[{ toolCall: { name: 'approval_probe', input: {} } }], [{ text: 'Done.' }]]);
    const client = await connect(org.tokens.editor);
    const { requested } = await startAgentRun(client, 'Probe it');
    const approved = await api(app, 'POST', `/api/v1/approvals/${requested.confirmationId}`, {
      token: org.tokens.admin,
      body: { decision: 'approve' },
    });
    expect(approved.status).toBe(200);
    const finished = await client.next('tool.finished');
    expect(finished.status).toBe('ok');
    expect(JSON.parse(finished.output)).toEqual({ userId: org.adminUserId, email: org.adminEmail, role: 'admin' });
  });

  it('refuses an approved call whose approver lost the role before it ran', async () => {
    const before = (await incident()).severity;
    // The editor is demoted in the very transaction that records their approval: the decision itself was allowed.
    await app.platform.database.exec(`
      create or replace function demote_test_approver() returns trigger language plpgsql as $$
      begin
        update memberships set role = 'viewer' where org_id = new.org_id and user_id = new.decided_by;
        return new;
      end $$;
      create trigger demote_test_approver after update on agent_approvals for each row
        when (new.status = 'approved' and new.decided_by = '${org.userIds.editor}')
        execute function demote_test_approver();`);
    try {
      script = updateScript(before === 'critical' ? 'low' : 'critical');
      const client = await connect(org.tokens.admin);
      const { requested } = await startAgentRun(client, 'Escalate it');
      const approved = await api(app, 'POST', `/api/v1/approvals/${requested.confirmationId}`, {
        token: org.tokens.editor,
        body: { decision: 'approve' },
      });
      expect(approved.status).toBe(200);
      const finished = await client.next('tool.finished');
      expect(finished).toMatchObject({ status: 'error', output: expect.stringContaining('now has the viewer role') });
      expect(await client.next('run.finished')).toMatchObject({ status: 'completed' });
      expect((await incident()).severity).toBe(before);
    } finally {
      await app.platform.database.exec(
        'drop trigger demote_test_approver on agent_approvals; drop function demote_test_approver();',
      );
      await app.platform.database.query(`update memberships set role = 'editor' where org_id = $1 and user_id = $2`, [
        org.orgId,
        org.userIds.editor,
      ]);
    }
  });

  it("cannot see or decide another org's approvals", async () => {
    const other = await createTestOrganization(app, 'other');
    const [row] = await app.platform.database.query<{ id: string }>(
      'select id from agent_approvals where org_id = $1 limit 1',
      [org.orgId],
    );
    const response = await api(app, 'POST', `/api/v1/approvals/${row!.id}`, {
      token: other.tokens.admin,
      body: { decision: 'approve' },
    });
    expect(response.status).toBe(404);
    const listed = await api(app, 'GET', '/api/v1/approvals', { token: other.tokens.admin });
    expect(listed.body.items).toEqual([]);
  });
});
