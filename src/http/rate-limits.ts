import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
import type { RateLimitRepo } from '../store/port';
import { AppError } from './errors';
import { SharedRateLimitStore } from './shared-rate-limit-store';

export interface LimiterOptions {
  /** Names the counter in the shared store: limiters with the same name share one budget. */
  name: string;
  windowMs: number;
  limit: number;
  key: (req: Request, res: Response) => string;
  /** What a caller over the limit gets; by default a 429 AppError naming `what`. */
  handler?: Options['handler'];
  label?: string;
  what?: string;
}

export const ipKey = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

/**
 * Every rate limit of the server. With a store (RATE_LIMIT_STORE=store, the default) the counters
 * live in the Gatehouse store, so N instances grant a budget once; with null (RATE_LIMIT_STORE=memory)
 * they live in this process, right only when one instance serves.
 */
export class RateLimits {
  constructor(private readonly shared: RateLimitRepo | null) {}

  limiter(options: LimiterOptions): RequestHandler {
    const seconds = Math.ceil(options.windowMs / 1000);
    return rateLimit({
      windowMs: options.windowMs,
      limit: options.limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: options.key,
      ...(this.shared ? { store: new SharedRateLimitStore(this.shared, `${options.name}:`) } : {}),
      handler:
        options.handler ??
        ((_req, _res, next) => next(new AppError(429, options.label ?? 'too-many-requests', `Too many ${options.what ?? 'requests'}; wait up to ${seconds} seconds and try again.`, 'tooMany'))),
    });
  }

  /** Sign-in: per address, and per account (the budget an attacker guessing one password gets). */
  login(perEmailLimit: number): RequestHandler[] {
    return [
      this.limiter({ name: 'login-ip', windowMs: 60_000, limit: perEmailLimit * 3, key: ipKey, label: 'too-many-logins', what: 'sign-in attempts from this address' }),
      this.limiter({
        name: 'login-email',
        windowMs: 15 * 60_000,
        limit: perEmailLimit,
        key: (req) => `email:${typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : ''}`,
        label: 'too-many-logins',
        what: 'sign-in attempts for this account',
      }),
    ];
  }

  /**
   * "Send it again" for one person (invitations, email validations): 5 in 15 minutes per key —
   * enough for typos, not for mail-bombing. Key it by the caller's team too, so requests for another
   * team's user id (404s) cannot use up that user's limit.
   */
  resendPerPerson(name: string, key: (req: Request, res: Response) => string, message: string): RequestHandler {
    return this.limiter({ name, windowMs: 15 * 60_000, limit: 5, key, handler: (_req, _res, next) => next(new AppError(429, 'too-many-requests', message)) });
  }

  /** Secret-minting endpoints (SCIM tokens, invitations re-send): `what` also names the counter. */
  mint(what: string): RequestHandler {
    return this.limiter({ name: `mint-${what.replace(/\s+/g, '-')}`, windowMs: 60_000, limit: 30, key: ipKey, label: 'too-many-requests', what });
  }
}
