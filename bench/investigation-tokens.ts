/**
 * Tokens one model-assisted investigation spends, with the scripted model on the demo scenario
 * (deploy-checkout-bad-release): the whole pipeline in an embedded Aurora (PGlite in a temporary directory), the
 * model's two calls (tools, then the report) counted with the cl100k_base tokenizer over exactly what the model was
 * sent, and every tool output's size against its cap. Run: `node --import tsx bench/investigation-tokens.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import { loadConfig } from '../src/config/config.js';
import { investigationToolOutputChars, loadBuiltInScenario } from '../src/features/investigations/index.js';
import { startApplication } from '../src/server/application.js';
import { silentLogger } from '../test/support/logger.js';
import { promptText, ScriptedModel } from '../test/support/scripted-model.js';
import { describeMachine, formatMachine } from './support/machine.js';

const scenarioName = 'deploy-checkout-bad-release';
const encoder = new Tiktoken(cl100kBase);
const count = (text: string) => encoder.encode(text).length;

const model = new ScriptedModel([
  [
    { text: 'Checkout errors begin two minutes after the v2.14.0 deploy. I will read the logs and the error ratio.' },
    { toolCall: { name: 'list_evidence', input: {} } },
    { toolCall: { name: 'read_evidence', input: { ids: ['E2', 'E4', 'E5', 'E17'] } } },
    { toolCall: { name: 'query_metrics', input: { service: 'checkout', signals: ['error_ratio'] } } },
    { toolCall: { name: 'search_logs', input: { service: 'frontend', minLevel: 'error' } } },
  ],
  [
    {
      text: `The TypeError matches the release. <report>${JSON.stringify({
        verdict: 'confirmed',
        summary: 'Checkout returns 5xx since v2.14.0 [E2], failing in computeTotals [E5].',
        rootCause: { service: 'checkout', category: 'deploy', statement: 'v2.14.0 [E2] throws in computeTotals [E5].' },
        timeline: [{ time: '2026-03-02T09:52:00Z', text: 'checkout v2.14.0 deployed [E2]' }],
        ruledOut: [],
      })}</report>`,
    },
  ],
]);

const directory = mkdtempSync(join(tmpdir(), 'aurora-bench-tokens-'));
const config = loadConfig({
  AURORA_DATA_DIR: directory,
  AURORA_HOST: '127.0.0.1',
  AURORA_PORT: '0',
  LOG_LEVEL: 'silent',
});
const app = await startApplication(config, {
  roles: ['api'],
  logger: silentLogger(),
  serviceOverrides: { languageModel: ({ role }) => (role === 'rca' ? model.model : undefined) },
});
try {
  const { accounts, integrations, intake, incidents, investigations } = app.services;
  const { orgId } = await accounts.createOrganizationWithAdmin({
    organizationName: 'bench',
    email: 'bench@example.com',
    password: 'bench-password-123',
  });
  const principal = await accounts.organizationAdmin('bench');
  await investigations.bindScenario(orgId, scenarioName);
  const scenario = await loadBuiltInScenario(scenarioName);
  const { integration, secret } = await integrations.create(principal, { source: scenario.source, name: 'bench' });
  await intake.handle({
    source: scenario.source,
    integrationId: integration.id,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    rawBody: await readFile(scenario.alertFile),
  });
  const incident = (await incidents.list(principal, { limit: 1 })).items[0]!;
  const started = performance.now();
  const view = await investigations.investigateNow(orgId, incident.id, { trigger: 'bench' });
  const wallMs = performance.now() - started;

  const calls = model.calls.map((call, index) => {
    const system = call.prompt
      .filter((message) => message.role === 'system')
      .map((message) => String(message.content))
      .join('\n');
    return { index, promptTokens: count(promptText(call.prompt)), systemTokens: count(system) };
  });
  const toolOutputs = model.calls[1]!.prompt.flatMap((message) =>
    Array.isArray(message.content)
      ? message.content.flatMap((part) =>
          part.type === 'tool-result' ? [{ tool: part.toolName, chars: JSON.stringify(part.output).length }] : [],
        )
      : [],
  );
  const outputTokens = count(
    model.calls
      .map((_, index) =>
        index === 0
          ? 'Checkout errors begin two minutes after the v2.14.0 deploy. I will read the logs and the error ratio.'
          : '',
      )
      .join(''),
  );
  const lines = [
    `machine: ${formatMachine(describeMachine())}`,
    `investigation: ${view.status}, ${view.report?.confidence}, generatedBy ${view.report?.generatedBy}, ${view.evidence.length} evidence items, ${view.thoughts.length} thoughts, wall ${wallMs.toFixed(0)} ms`,
    ...calls.map(
      (call) =>
        `model call ${call.index + 1}: ${call.promptTokens} prompt tokens (system prompt with the brief: ${call.systemTokens})`,
    ),
    `prompt tokens, both calls: ${calls.reduce((sum, call) => sum + call.promptTokens, 0)}`,
    `tool outputs (cap ${investigationToolOutputChars} characters each, before wrapping): ${toolOutputs.map((entry) => `${entry.tool} ${entry.chars}`).join(', ')}`,
    `scripted output text of call 1: ${outputTokens} tokens; the report of call 2: ${count(JSON.stringify(view.report))} tokens as stored`,
    `usage recorded (the scripted model reports a fixed 10 in / 5 out per call): ${JSON.stringify(view.usage)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await app.stop();
  rmSync(directory, { recursive: true, force: true });
}
