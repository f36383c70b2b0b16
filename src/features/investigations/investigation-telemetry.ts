import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Executor } from '../../platform/database/database.js';
import { ValidationFailed } from '../../platform/errors.js';
import { titleSimilarity } from '../incidents/index.js';
import {
  auroraAlertSignals,
  findScenarioDirectories,
  loadScenario,
  type Scenario,
  scenarioTelemetry,
  type TelemetrySources,
} from '../telemetry/index.js';
import type { SimilarIncidentsPort } from './evidence-collector.js';
import type { SimilarIncident } from './investigation.model.js';
import type { InvestigationsRepository } from './investigations.repository.js';

/**
 * The scenarios that ship with Aurora (eval/scenarios). Resolved from this file, which sits three levels below the
 * package root both as source (src/features/investigations) and compiled (dist/features/investigations).
 */
export const builtInScenariosDirectory = fileURLToPath(new URL('../../../eval/scenarios/', import.meta.url));

const scenarioNamePattern = /^[a-z0-9][a-z0-9-]{0,99}$/;

export async function builtInScenarioNames(directory = builtInScenariosDirectory): Promise<string[]> {
  const directories = await findScenarioDirectories(directory);
  return directories.map((path) => path.split(/[\\/]/).filter(Boolean).at(-1) ?? path).sort();
}

/** One built-in scenario by name; only names (never paths) are accepted, so an org setting cannot read other files. */
export async function loadBuiltInScenario(name: string, directory = builtInScenariosDirectory): Promise<Scenario> {
  if (!scenarioNamePattern.test(name)) throw new ValidationFailed(`"${name}" is not a scenario name`);
  const names = await builtInScenarioNames(directory);
  if (!names.includes(name)) {
    throw new ValidationFailed(`There is no built-in scenario "${name}"; choose one of ${names.join(', ')}`);
  }
  return loadScenario(join(directory, name));
}

export interface TelemetryResolution {
  sources: TelemetrySources;
  /** The investigation's "now": the clock, or a scenario's recorded time. */
  now: Date;
}

/** Where an org's telemetry comes from. The composition root may replace it (tests stand in slow or failing sources). */
export interface InvestigationTelemetry {
  resolve(request: { orgId: string; scenario: string | null }): Promise<TelemetryResolution>;
}

/**
 * The default: a bound built-in scenario (demo orgs) serves every port; otherwise Aurora's own alerts, plus whatever
 * `connected(orgId)` adds (connector-backed Prometheus, Kubernetes, GitHub adapters; wired by the composition root).
 */
export function defaultInvestigationTelemetry(options: {
  database: Executor;
  scenariosDirectory?: string;
  connected?: (orgId: string) => Promise<TelemetrySources>;
}): InvestigationTelemetry {
  return {
    async resolve({ orgId, scenario }) {
      if (scenario) {
        const loaded = await loadBuiltInScenario(scenario, options.scenariosDirectory);
        return { sources: scenarioTelemetry(loaded), now: loaded.now };
      }
      const connected = (await options.connected?.(orgId)) ?? {};
      return {
        sources: { alerts: auroraAlertSignals({ database: options.database, orgId }), ...connected },
        now: new Date(),
      };
    },
  };
}

/**
 * Feedback memory as the engine's similar-incidents source: incidents of the same org whose report was marked helpful
 * or whose root cause was corrected, scored by how alike their alert titles are (and a shared service).
 */
export function feedbackMemory(options: {
  database: Executor;
  repository: InvestigationsRepository;
  orgId: string;
  incidentId: string;
  minimumSimilarity?: number;
}): SimilarIncidentsPort {
  const minimum = options.minimumSimilarity ?? 0.3;
  return {
    name: 'feedback-memory',
    async find({ alerts, services }) {
      const rows = await options.repository.memory(options.database, options.orgId, options.incidentId);
      const titles = alerts.map((alert) => alert.title);
      const best = new Map<string, SimilarIncident>();
      for (const row of rows) {
        if (!row.service || !row.category) continue;
        const remembered = row.signature.split('\n').filter(Boolean);
        let similarity = 0;
        for (const title of titles)
          for (const other of remembered) similarity = Math.max(similarity, titleSimilarity(title, other));
        if (services.includes(row.service)) similarity = Math.min(1, similarity + 0.1);
        if (similarity < minimum) continue;
        const previous = best.get(row.incidentId);
        // The newest feedback on an incident wins (rows come newest first).
        if (previous) continue;
        best.set(row.incidentId, {
          id: row.incidentId,
          title: remembered[0] ?? row.incidentId,
          service: row.service,
          category: row.category,
          similarity: Math.round(similarity * 1000) / 1000,
        });
      }
      return [...best.values()].sort((left, right) => right.similarity - left.similarity).slice(0, 5);
    },
  };
}
