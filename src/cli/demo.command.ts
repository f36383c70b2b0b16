import { readFile } from 'node:fs/promises';
import type { Config } from '../config/config.js';
import { loadBuiltInScenario } from '../features/investigations/index.js';
import { Conflict, ValidationFailed } from '../platform/errors.js';
import { createServices } from '../server/services.js';
import { withCliPlatform } from './cli-platform.js';

export const defaultDemoScenario = 'deploy-checkout-bad-release';
const demoOrganization = 'demo';
const demoEmail = 'demo@example.com';

/**
 * `aurora demo [--org NAME] [--scenario NAME]`: a full incident and report with no connectors and no model. The
 * org's telemetry is bound to a built-in scenario (eval/scenarios); its recorded alert goes through a real webhook
 * integration (verification, parsing, correlation into an incident); the incident is investigated in this process.
 * Without --org it creates the org "demo" with the user demo@example.com and prints that user's password.
 */
export async function demoCommand(
  config: Config,
  options: { org?: string; scenario?: string; json?: boolean },
): Promise<number> {
  const scenarioName = options.scenario ?? defaultDemoScenario;
  const scenario = await loadBuiltInScenario(scenarioName);
  if (scenario.source === 'cloudwatch') {
    throw new ValidationFailed('CloudWatch scenarios need an AWS-signed SNS message; choose another --scenario');
  }
  const lines: string[] = [];
  const result = await withCliPlatform(config, 'aurora demo', async (platform) => {
    const services = createServices(platform);
    let password: string | undefined;
    const organization = options.org ?? demoOrganization;
    if (!options.org) {
      try {
        const created = await services.accounts.createOrganizationWithAdmin({
          organizationName: demoOrganization,
          email: demoEmail,
          name: 'Demo',
        });
        password = created.generatedPassword;
      } catch (error) {
        if (!(error instanceof Conflict)) throw error;
      }
    }
    const principal = await services.accounts.organizationAdmin(organization);
    await services.investigations.bindScenario(principal.orgId, scenario.name);

    const { integration, secret } = await services.integrations.create(principal, {
      source: scenario.source,
      name: `demo: ${scenario.name}`,
    });
    const rawBody = await readFile(scenario.alertFile);
    await services.intake.handle({
      source: scenario.source,
      integrationId: integration.id,
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      rawBody,
    });
    const titles = new Set(scenario.alerts.map((alert) => alert.title));
    const { items } = await services.incidents.list(principal, { limit: 50 });
    const incident = items.find((item) => titles.has(item.title)) ?? items[0];
    if (!incident) throw new Error("the demo alert did not make an incident; check the server's logs");
    const view = await services.investigations.investigateNow(principal.orgId, incident.id, {
      trigger: 'demo',
      onWait: (reason) => process.stderr.write(`aurora: waiting: ${reason}\n`),
    });
    const markdown =
      view.status === 'completed' ? await services.investigations.reportMarkdown(principal, incident.id) : '';
    return { organization, orgId: principal.orgId, password, incident, view, markdown };
  });

  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          organization: { name: result.organization, id: result.orgId },
          user: options.org ? null : { email: demoEmail, password: result.password ?? null },
          scenario: scenario.name,
          incident: result.incident,
          investigation: result.view,
        },
        null,
        2,
      )}\n`,
    );
    return result.view.status === 'completed' ? 0 : 1;
  }
  lines.push(`Organization "${result.organization}" (${result.orgId}).`);
  if (!options.org) {
    lines.push(
      result.password
        ? `Sign in as ${demoEmail} with the password ${result.password} (shown once).`
        : `${demoEmail} already existed; its password is the one printed by the first \`aurora demo\`.`,
    );
  }
  lines.push(
    `Scenario "${scenario.name}": ${scenario.title} (a recorded ${scenario.source} alert, telemetry from eval/scenarios).`,
    `Incident ${result.incident.id}: ${result.incident.title}`,
    `Investigation ${result.view.investigationId}: ${result.view.status}${result.view.report ? `, ${result.view.report.confidence}` : ''}; ${result.view.evidence.length} evidence items, ${result.view.hypotheses.length} hypotheses, ${result.view.thoughts.length} thoughts.`,
    'Run `aurora start` and open the incident in the web UI, or GET /api/v1/incidents/{id}/investigation.',
    '',
  );
  process.stdout.write(`${lines.join('\n')}\n${result.markdown}`);
  return result.view.status === 'completed' ? 0 : 1;
}
