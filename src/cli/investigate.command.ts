import type { Config } from '../config/config.js';
import { investigateScenario, renderReportMarkdown } from '../features/investigations/index.js';
import { loadScenario } from '../features/telemetry/index.js';
import { ValidationFailed } from '../platform/errors.js';
import { createServices } from '../server/services.js';
import { withCliPlatform } from './cli-platform.js';

export interface InvestigateOptions {
  scenario?: string;
  incident?: string;
  org?: string;
  json?: boolean;
}

/**
 * `aurora investigate --scenario DIR [--json]`: one investigation of a recorded scenario, printed as the report
 * (Markdown) or as JSON shaped like `GET /api/v1/incidents/{id}/investigation`: {status, evidence, hypotheses,
 * thoughts, report}. Needs no database.
 *
 * `aurora investigate --incident ID --org NAME [--json]`: investigates a stored incident in this process, through
 * the same durable pipeline as the worker (stored evidence, thoughts on the timeline, the org's concurrency limit).
 * Embedded mode takes the data-dir lock, so it refuses while `aurora start` runs; then use the API instead
 * (POST /api/v1/incidents/{id}/investigate, then GET …/investigation or …/report.md).
 */
export async function investigateCommand(config: () => Config, options: InvestigateOptions): Promise<number> {
  if (options.scenario && options.incident) {
    throw new ValidationFailed('Use either --scenario DIR or --incident ID (with --org NAME), not both');
  }
  if (options.incident) return investigateIncident(config(), options.incident, options);
  if (!options.scenario)
    throw new ValidationFailed('Say what to investigate: --scenario DIR, or --incident ID --org NAME');
  const scenario = await loadScenario(options.scenario);
  const result = await investigateScenario(scenario);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          scenario: scenario.name,
          status: 'finished',
          evidence: result.evidence.map(({ data: _data, ...item }) => item),
          hypotheses: result.hypotheses,
          thoughts: [],
          report: result.report,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    process.stdout.write(renderReportMarkdown(result.report, result.evidence));
  }
  return 0;
}

async function investigateIncident(config: Config, incidentId: string, options: InvestigateOptions): Promise<number> {
  if (!options.org)
    throw new ValidationFailed('--incident needs --org NAME (the organization the incident belongs to)');
  const organization = options.org;
  const output = await withCliPlatform(config, 'aurora investigate', async (platform) => {
    const services = createServices(platform);
    const principal = await services.accounts.organizationAdmin(organization);
    const view = await services.investigations.investigateNow(principal.orgId, incidentId, {
      trigger: 'cli',
      onWait: (reason) => process.stderr.write(`aurora: waiting: ${reason}\n`),
    });
    if (options.json) return `${JSON.stringify(view, null, 2)}\n`;
    if (view.status !== 'completed')
      return `Investigation ${view.investigationId}: ${view.status}. ${view.error ?? ''}\n`;
    return services.investigations.reportMarkdown(principal, incidentId);
  });
  process.stdout.write(output);
  return output.startsWith('Investigation ') ? 1 : 0;
}
