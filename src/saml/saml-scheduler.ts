import type { Logger } from 'pino';
import { startRepeatingTask, type RepeatingTask } from '../repeating-task';
import type { MetadataRefresher } from './metadata-refresh';

const MAX_TICK_MS = 15 * 60_000;

/**
 * The SAML side's background work, started and stopped by the composition root: metadata refresh
 * when due. Every instance may run it; the refresh takes a lease per IdP. (Expired SAML requests,
 * test runs and replay-cache entries are deleted by the ExpiredRowPurger.)
 */
export class SamlScheduler {
  private task: RepeatingTask | null = null;

  constructor(
    private readonly refresher: MetadataRefresher,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.task) return;
    const interval = this.refresher.intervalMs;
    const tick = interval > 0 ? Math.max(1000, Math.min(MAX_TICK_MS, interval / 4)) : MAX_TICK_MS;
    this.task = startRepeatingTask(() => this.runOnce(), tick, this.logger, 'SAML background round failed');
  }

  /** Stops the schedule and waits for a round in progress. */
  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
  }

  async runOnce(now: Date = new Date()): Promise<void> {
    await this.refresher.refreshDue(now);
  }
}
