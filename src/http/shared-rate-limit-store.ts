import type { ClientRateLimitInfo, Options, Store as RateLimitStore } from 'express-rate-limit';
import type { RateLimitRepo } from '../store/port';

/**
 * express-rate-limit's Store interface over the Gatehouse store port: every instance on one store
 * counts into the same windows. One per limiter (express-rate-limit refuses a shared instance);
 * `prefix` keeps the limiters' keys apart in the one table/collection.
 */
export class SharedRateLimitStore implements RateLimitStore {
  /** Hits are counted in the store, not in this process. */
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly repo: RateLimitRepo,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const window = await this.repo.get(this.prefix + key, new Date());
    return window ? { totalHits: window.hits, resetTime: window.resetAt } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const window = await this.repo.hit(this.prefix + key, this.windowMs, new Date());
    return { totalHits: window.hits, resetTime: window.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await this.repo.undo(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.repo.reset(this.prefix + key);
  }
}
