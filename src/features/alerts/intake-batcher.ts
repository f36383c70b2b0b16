import { randomUUID } from 'node:crypto';
import { Histogram, type Registry } from 'prom-client';
import type { Database, Executor } from '../../platform/database/database.js';
import { isDatabaseUnavailable } from '../../platform/database/database-errors.js';
import type { AuroraEvent, EventBus } from '../../platform/events/event-bus.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { NormalizedAlert } from './alert.model.js';
import type { AlertCorrelator, StoredAlert } from './alert-correlator.js';
import { AlertsRepository, type IncomingAlert, type StoredPayload } from './alerts.repository.js';
import type { IntegrationsRepository } from './integrations.repository.js';

export interface IntakeSubmission {
  orgId: string;
  integrationId: string;
  /** Replay keys (`id:{delivery id}`, `body:{sha256}`); a submission is a replay if any was seen within the window. */
  deliveryKeys: string[];
  alerts: NormalizedAlert[];
  receivedAt: Date;
  /** The delivery's body as received, stored once for all its alerts. */
  payload: { contentType: string; body: Buffer };
}

export interface IntakeOutcome {
  duplicate: boolean;
  accepted: number;
}

interface Pending {
  submission: IntakeSubmission;
  resolve(outcome: IntakeOutcome): void;
  reject(error: unknown): void;
}

export interface IntakeBatcherOptions {
  replayWindowSeconds: number;
  /** Alerts per transaction; more wait for the next one. */
  maxBatchAlerts: number;
  /** Where the batch-size histogram is registered. */
  registry?: Registry;
}

/**
 * Group commit for webhook intake. Submissions that arrive while a transaction is running are stored
 * together in the next one, so a storm costs a few transactions per second rather than one per request,
 * while an idle system commits each delivery at once. A submission's promise settles only after its
 * transaction commits (or fails): a webhook answers 2xx only for committed data.
 *
 * One transaction at a time per org, under a per-org advisory lock, so replay checks and correlation
 * never race with another process handling the same org.
 */
export class IntakeBatcher {
  private readonly queues = new Map<string, Pending[]>();
  private readonly flushing = new Set<string>();
  private readonly repository = new AlertsRepository();
  private readonly batchAlerts: Histogram;

  constructor(
    private readonly database: Database,
    private readonly correlator: AlertCorrelator,
    private readonly integrations: Pick<IntegrationsRepository, 'touchReceived'>,
    private readonly events: EventBus,
    private readonly logger: Logger,
    private readonly options: IntakeBatcherOptions,
  ) {
    this.batchAlerts = new Histogram({
      name: 'aurora_intake_batch_alerts',
      help: 'Alerts stored per intake transaction (group commit puts concurrent deliveries in one)',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2000],
      registers: options.registry ? [options.registry] : [],
    });
  }

  /**
   * Deletes delivery keys well past the replay window (twice its length, so clock skew between processes is
   * harmless), and delivery bodies that no alert points at any more.
   */
  async pruneDeliveries(): Promise<{ keys: number; payloads: number }> {
    const cutoff = new Date(Date.now() - 2 * this.options.replayWindowSeconds * 1000);
    const rows = await this.database.query<{ count: number }>(
      'with deleted as (delete from webhook_deliveries where received_at < $1 returning 1) select count(*)::int as count from deleted',
      [cutoff.toISOString()],
    );
    const payloads = await this.repository.pruneUnreferencedPayloads(this.database, cutoff);
    return { keys: rows[0]?.count ?? 0, payloads };
  }

  /** The delivery body an alert's latest state came from, exactly as received. */
  storedPayload(orgId: string, alertId: string) {
    return this.repository.findPayload(this.database, orgId, alertId);
  }

  submit(submission: IntakeSubmission): Promise<IntakeOutcome> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(submission.orgId) ?? [];
      queue.push({ submission, resolve, reject });
      this.queues.set(submission.orgId, queue);
      if (!this.flushing.has(submission.orgId)) void this.drain(submission.orgId);
    });
  }

  private async drain(orgId: string): Promise<void> {
    this.flushing.add(orgId);
    try {
      for (;;) {
        // Let deliveries that have already arrived be read first. PGlite runs SQL on this thread, so without
        // this turn of the event loop no request is parsed while a transaction runs and batches never form.
        await new Promise((resolve) => setImmediate(resolve));
        const queue = this.queues.get(orgId) ?? [];
        if (queue.length === 0) break;
        const batch: Pending[] = [];
        let alerts = 0;
        while (
          queue.length > 0 &&
          (batch.length === 0 || alerts + (queue[0]?.submission.alerts.length ?? 0) <= this.options.maxBatchAlerts)
        ) {
          const next = queue.shift()!;
          alerts += next.submission.alerts.length;
          batch.push(next);
        }
        await this.flush(orgId, batch);
      }
    } finally {
      this.flushing.delete(orgId);
      this.queues.delete(orgId);
    }
  }

  private async flush(orgId: string, batch: Pending[]): Promise<void> {
    try {
      const { outcomes, events } = await this.database.transaction((transaction) =>
        this.store(
          transaction,
          orgId,
          batch.map((pending) => pending.submission),
        ),
      );
      this.batchAlerts.observe(batch.reduce((sum, pending) => sum + pending.submission.alerts.length, 0));
      for (const event of events) {
        this.events
          .publish(event)
          .catch((error: unknown) => this.logger.warn({ err: error }, 'could not publish a live event'));
      }
      for (const [index, pending] of batch.entries()) pending.resolve(outcomes[index]!);
    } catch (error) {
      // One bad delivery must not fail its neighbours: retry them one by one (unless the database is down).
      if (batch.length > 1 && !isDatabaseUnavailable(error)) {
        this.logger.warn(
          { err: error, submissions: batch.length },
          'intake batch failed; retrying deliveries one by one',
        );
        for (const pending of batch) await this.flush(orgId, [pending]);
        return;
      }
      for (const pending of batch) pending.reject(error);
    }
  }

  /**
   * One batch in one transaction, in three round trips on PostgreSQL: the lock and every read; all the writes;
   * the commit. Statements in a round are issued without awaiting each other and run in the order issued.
   */
  private async store(
    transaction: Executor,
    orgId: string,
    submissions: IntakeSubmission[],
  ): Promise<{ outcomes: IntakeOutcome[]; events: AuroraEvent[] }> {
    const now = new Date();
    const firingFingerprints = [
      ...new Set(
        submissions.flatMap((submission) =>
          submission.alerts.filter((alert) => alert.status === 'firing').map((alert) => alert.fingerprint),
        ),
      ),
    ];
    // The lock is issued first, so the reads after it see what earlier batches of this org committed.
    const [, duplicates, firingBefore, correlation] = await Promise.all([
      transaction.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`aurora.intake:${orgId}`]),
      this.findReplays(transaction, orgId, submissions, now),
      this.repository.findFiring(transaction, orgId, firingFingerprints),
      this.correlator.open(transaction, orgId, now),
    ]);
    const accepted = submissions.filter((_, index) => !duplicates.has(index));
    const payloads = new Map<IntakeSubmission, StoredPayload>();
    for (const submission of accepted) {
      if (submission.alerts.length === 0) continue;
      payloads.set(submission, {
        id: randomUUID(),
        integrationId: submission.integrationId,
        contentType: submission.payload.contentType,
        body: submission.payload.body,
        receivedAt: submission.receivedAt,
      });
    }
    const writes: Array<Promise<unknown>> = [];
    // Awaited together at the end; marked handled now, so a failure noticed earlier (say, by a later segment's
    // read in the aborted transaction) does not leave the others as unhandled rejections.
    const issue = (write: Promise<unknown>) => {
      write.catch(() => undefined);
      writes.push(write);
    };
    issue(this.repository.insertPayloads(transaction, orgId, [...payloads.values()]));

    const stored: StoredAlert[] = [];
    const events: AuroraEvent[] = [];
    for (const [index, segment] of segments(accepted, payloads).entries()) {
      const firing = segment.filter((incoming) => incoming.alert.status === 'firing');
      const resolved = segment.filter((incoming) => incoming.alert.status === 'resolved');
      // A later segment follows a change of status within the batch (rare): it must see the earlier ones' writes.
      const existing =
        index === 0
          ? firingBefore
          : await this.repository.findFiring(
              transaction,
              orgId,
              firing.map((incoming) => incoming.alert.fingerprint),
            );
      const fresh: Array<StoredAlert & { incoming: IncomingAlert }> = [];
      const repeats: Array<StoredAlert & { incoming: IncomingAlert }> = [];
      for (const incoming of firing) {
        const current = existing.get(incoming.alert.fingerprint);
        const entry = {
          id: current?.id ?? randomUUID(),
          orgId,
          change: current ? ('repeated' as const) : ('created' as const),
          incidentId: current?.incidentId ?? null,
          alert: incoming.alert,
          receivedAt: incoming.receivedAt,
          incoming,
        };
        (current ? repeats : fresh).push(entry);
      }
      // The correlator picks each new alert's incident first, so the row is written once, already attached.
      if (fresh.length > 0) {
        const assigned = correlation.assign(fresh);
        events.push(...assigned.events);
        issue(assigned.written);
      }
      issue(this.repository.insertFiring(transaction, orgId, fresh));
      issue(this.repository.updateRepeats(transaction, orgId, repeats));
      stored.push(...fresh, ...repeats);
      if (resolved.length > 0) stored.push(...(await this.repository.resolve(transaction, orgId, resolved)));
    }
    if (stored.length > 0) {
      issue(correlation.settle(stored).then((settled) => events.push(...settled)));
    }
    issue(
      this.integrations.touchReceived(
        transaction,
        [...new Set(accepted.map((submission) => submission.integrationId))],
        now,
      ),
    );
    await Promise.all(writes);

    for (const submission of accepted) {
      if (submission.alerts.length === 0) continue;
      events.push({
        type: 'alert.received',
        orgId,
        data: {
          integrationId: submission.integrationId,
          count: submission.alerts.length,
          firing: submission.alerts.filter((alert) => alert.status === 'firing').length,
          resolved: submission.alerts.filter((alert) => alert.status === 'resolved').length,
        },
      });
    }
    const outcomes = submissions.map((submission, index) =>
      duplicates.has(index)
        ? { duplicate: true, accepted: 0 }
        : { duplicate: false, accepted: submission.alerts.length },
    );
    return { outcomes, events: withoutRepeatedUpdates(events) };
  }

  /**
   * Indexes of submissions whose delivery was already seen within the window (here or earlier in this batch).
   * One statement records every key: a key is new (or expired) when the upsert returns it; a key it does not
   * return was seen within the window, which makes its submission a replay.
   */
  private async findReplays(
    transaction: Executor,
    orgId: string,
    submissions: IntakeSubmission[],
    now: Date,
  ): Promise<Set<number>> {
    const duplicates = new Set<number>();
    const firstSubmission = new Map<string, number>();
    const keys: Array<{ integration_id: string; delivery_key: string }> = [];
    submissions.forEach((submission, index) => {
      const ids = submission.deliveryKeys.map((key) => `${submission.integrationId} ${key}`);
      if (ids.some((id) => firstSubmission.has(id))) {
        duplicates.add(index);
        return;
      }
      for (const [position, id] of ids.entries()) {
        firstSubmission.set(id, index);
        keys.push({ integration_id: submission.integrationId, delivery_key: submission.deliveryKeys[position]! });
      }
    });
    if (keys.length === 0) return duplicates;
    const windowStart = new Date(now.getTime() - this.options.replayWindowSeconds * 1000);
    const recorded = await transaction.query<{ integration_id: string; delivery_key: string }>(
      `insert into webhook_deliveries as d (org_id, integration_id, delivery_key, received_at)
       select $1, integration_id, delivery_key, $3 from jsonb_to_recordset($2::jsonb) as x(integration_id uuid, delivery_key text)
       on conflict (integration_id, delivery_key) do update set received_at = excluded.received_at
         where d.received_at < $4
       returning d.integration_id, d.delivery_key`,
      [orgId, JSON.stringify(keys), now.toISOString(), windowStart.toISOString()],
    );
    const fresh = new Set(recorded.map((row) => `${row.integration_id} ${row.delivery_key}`));
    for (const [id, index] of firstSubmission) if (!fresh.has(id)) duplicates.add(index);
    return duplicates;
  }
}

/**
 * Splits accepted alerts, in arrival order, into runs in which each fingerprint appears once: repeats with the same
 * status merge (occurrences add up, the latest payload wins); a change of status starts a new run, so a
 * firing-then-resolved pair in one batch is applied in order.
 */
function segments(submissions: IntakeSubmission[], payloads: Map<IntakeSubmission, StoredPayload>): IncomingAlert[][] {
  const result: IncomingAlert[][] = [];
  let current = new Map<string, IncomingAlert>();
  for (const submission of submissions) {
    const payloadId = payloads.get(submission)?.id;
    if (!payloadId) continue;
    for (const alert of submission.alerts) {
      const existing = current.get(alert.fingerprint);
      if (!existing) {
        current.set(alert.fingerprint, {
          integrationId: submission.integrationId,
          payloadId,
          alert,
          occurrences: 1,
          receivedAt: submission.receivedAt,
        });
      } else if (existing.alert.status === alert.status) {
        existing.occurrences += 1;
        existing.alert = alert;
        existing.receivedAt = submission.receivedAt;
        existing.payloadId = payloadId;
      } else {
        result.push([...current.values()]);
        current = new Map([
          [
            alert.fingerprint,
            {
              integrationId: submission.integrationId,
              payloadId,
              alert,
              occurrences: 1,
              receivedAt: submission.receivedAt,
            },
          ],
        ]);
      }
    }
  }
  if (current.size > 0) result.push([...current.values()]);
  return result;
}

/** One `incident.updated` per incident per batch is enough for a live view to refresh it. */
function withoutRepeatedUpdates(events: AuroraEvent[]): AuroraEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    if (event.type !== 'incident.updated') return true;
    const key = String((event.data as { incidentId?: unknown } | undefined)?.incidentId);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
