import type { Executor } from '../../platform/database/database.js';
import type { AuroraEvent } from '../../platform/events/event-bus.js';
import type { NormalizedAlert } from './alert.model.js';

/** What storing one alert did (or, for new alerts before insert, will do). */
export interface StoredAlert {
  id: string;
  orgId: string;
  /** created: a new firing lifecycle; repeated: the same firing alert again; resolved: a firing alert closed;
   *  resolved_unmatched: a resolution for nothing firing (stored for the record, attached to nothing). */
  change: 'created' | 'repeated' | 'resolved' | 'resolved_unmatched';
  incidentId: string | null;
  /** Why a new alert joined its incident; set by the correlator. */
  correlation?: { score: number; reason: string };
  alert: NormalizedAlert;
  receivedAt: Date;
}

/**
 * Implemented by the incidents feature and wired by the composition root (so alerts does not depend on
 * incidents). Both calls run in the intake transaction, so incidents, their investigation jobs and the
 * alerts commit together. Each returns the live events to publish after commit.
 */
export interface AlertCorrelator {
  /**
   * New firing alerts, before they are inserted: sets each one's `incidentId` and `correlation`,
   * joining open incidents or creating them (with their investigation jobs). Deciding first lets each
   * alert row be written once, with its incident.
   */
  assign(transaction: Executor, orgId: string, fresh: StoredAlert[], now: Date): Promise<AuroraEvent[]>;
  /** Everything the batch stored, after it is written: repeats, resolutions, incidents left with nothing firing. */
  settle(transaction: Executor, orgId: string, stored: StoredAlert[], now: Date): Promise<AuroraEvent[]>;
}
