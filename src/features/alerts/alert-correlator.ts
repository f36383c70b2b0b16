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
 * incidents). Everything runs in the intake transaction, so incidents, their investigation jobs and the
 * alerts commit together.
 */
export interface AlertCorrelator {
  /**
   * Starts correlating one intake transaction: reads the org's rules and its open incidents. Intake starts it
   * together with its own reads, so they share a round trip to the database.
   */
  open(transaction: Executor, orgId: string, now: Date): Promise<CorrelationRound>;
}

/** Correlation within one intake transaction. Both calls return the live events to publish after commit. */
export interface CorrelationRound {
  /**
   * New firing alerts, before they are inserted: sets each one's `incidentId` and `correlation` before it
   * returns, joining open incidents or creating them (with their investigation jobs). Deciding first lets each
   * alert row be written once, with its incident. The incident writes are issued at once; `written` settles
   * when they are done, so the caller can issue its own writes in the same round trip.
   */
  assign(fresh: StoredAlert[]): { events: AuroraEvent[]; written: Promise<void> };
  /** Everything the batch stored, once written or issued: repeats, resolutions, incidents left with nothing firing. */
  settle(stored: StoredAlert[]): Promise<AuroraEvent[]>;
}
