import type { Executor } from '../../../platform/database/database.js';
import { AlertsRepository } from '../../alerts/index.js';
import type { AlertSignalsPort } from '../telemetry.model.js';

export interface AuroraAlertSignalsOptions {
  database: Executor;
  orgId: string;
  limit?: number;
}

/** Aurora's own alerts (every intake source, already normalised) as signals: what else fired in the window, and where. */
export function auroraAlertSignals(options: AuroraAlertSignalsOptions): AlertSignalsPort {
  const repository = new AlertsRepository();
  return {
    name: 'aurora-alerts',
    async list({ window, services }) {
      const rows = await repository.listStartedBetween(options.database, options.orgId, window, {
        services,
        limit: options.limit,
      });
      return rows.map((row) => ({
        time: row.startsAt,
        service: row.service,
        title: row.title,
        severity: row.severity,
        status: row.status,
        source: row.source,
      }));
    },
  };
}
