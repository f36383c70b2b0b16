import type { Executor } from '../../platform/database/database.js';
import type { AuroraEvent } from '../../platform/events/event-bus.js';
import type { NormalizedAlert } from './alert.model.js';

/** What storing one alert did, handed to the correlator inside the intake transaction. */
export interface StoredAlert {
  id: string;
  orgId: string;
  /** created: a new firing lifecycle; repeated: the same firing alert again; resolved: a firing alert closed;
   *  resolved_unmatched: a resolution for nothing firing (stored for the record, attached to nothing). */
  change: 'created' | 'repeated' | 'resolved' | 'resolved_unmatched';
  incidentId: string | null;
  alert: NormalizedAlert;
  receivedAt: Date;
}

/**
 * Implemented by the incidents feature and wired by the composition root (so alerts does not depend on
 * incidents). Runs in the intake transaction: attaches new alerts to incidents, resolves incidents, and
 * enqueues investigations, all committed with the alerts themselves. Returns events to publish after commit.
 */
export interface AlertCorrelator {
  correlate(transaction: Executor, orgId: string, alerts: StoredAlert[], now: Date): Promise<AuroraEvent[]>;
}
