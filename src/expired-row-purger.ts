import type { Logger } from 'pino';
import { startRepeatingTask, type RepeatingTask } from './repeating-task';
import type { Store } from './store/port';

/** Expired SAML requests stay a day, so a late answer is told "request expired" rather than "unknown request". */
export const REQUEST_GRACE_MS = 24 * 3600_000;
/** Finished or abandoned "test connection" runs stay a week, so an admin can still open the report. */
export const TEST_RUN_GRACE_MS = 7 * 24 * 3600_000;

/** How many rows one round deleted, per kind. */
export interface PurgeCounts {
  sessions: number;
  samlRequests: number;
  samlTestRuns: number;
  replayCache: number;
  rateLimits: number;
}

/**
 * Deletes the store's expired rows (sessions, SAML requests and test runs, replay-cache entries,
 * rate-limit windows) every PURGE_INTERVAL_SECONDS. Every read already ignores expired rows, so this
 * only keeps tables small. Every instance may run it on a shared store: the deletes are idempotent.
 */
export class ExpiredRowPurger {
  private task: RepeatingTask | null = null;

  constructor(
    private readonly store: Store,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.task) return;
    this.task = startRepeatingTask(() => this.purgeOnce(), this.intervalMs, this.logger, 'purging expired rows failed; retrying at the next interval');
  }

  /** Stops the schedule and waits for a round in progress (the store closes right after). */
  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
  }

  /** One round, as the schedule runs it; `now` is a parameter so a test can look ahead. */
  async purgeOnce(now: Date = new Date()): Promise<PurgeCounts> {
    const counts: PurgeCounts = {
      sessions: await this.store.sessions.deleteExpired(now.toISOString()),
      samlRequests: await this.store.samlRequests.deleteExpired(new Date(now.getTime() - REQUEST_GRACE_MS).toISOString()),
      samlTestRuns: await this.store.samlTestRuns.deleteExpired(new Date(now.getTime() - TEST_RUN_GRACE_MS).toISOString()),
      replayCache: await this.store.replayCache.deleteExpired(now.toISOString()),
      rateLimits: await this.store.rateLimits.deleteExpired(now),
    };
    if (Object.values(counts).some((n) => n > 0)) this.logger.debug({ purged: counts }, 'purged expired rows');
    return counts;
  }
}
