import type { Logger } from 'pino';
import type { MetadataRefresher } from './metadata-refresh';

const MAX_TICK_MS = 15 * 60_000;

/**
 * The SAML side's background work, started and stopped by the composition root: metadata refresh
 * when due. Every instance may run it; the refresh takes a lease per IdP. (Expired SAML requests,
 * test runs and replay-cache entries are deleted by the ExpiredRowPurger.)
 */
export class SamlScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly refresher: MetadataRefresher,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    const interval = this.refresher.intervalMs;
    const tick = interval > 0 ? Math.max(1000, Math.min(MAX_TICK_MS, interval / 4)) : MAX_TICK_MS;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((err) => this.logger.error({ err }, 'SAML background round failed'))
        .finally(() => (this.running = null));
    }, tick);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a round in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  async runOnce(now: Date = new Date()): Promise<void> {
    await this.refresher.refreshDue(now);
  }
}
