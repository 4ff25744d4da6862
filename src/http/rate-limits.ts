import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { AppError } from './errors';

/**
 * Counters live in this process's memory: with several instances behind a balancer the
 * effective limit is per instance (documented in docs/OPERATIONS.md).
 */
function limiter(options: { windowMs: number; limit: number; key: (req: Request) => string; label: string; what: string }): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: options.key,
    handler: (_req, _res, next, opts) => {
      const seconds = Math.ceil(opts.windowMs / 1000);
      next(new AppError(429, options.label, `Too many ${options.what}; wait up to ${seconds} seconds and try again.`, 'tooMany'));
    },
  });
}

const ipKey = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

export function loginLimiters(perEmailLimit: number): RequestHandler[] {
  return [
    limiter({ windowMs: 60_000, limit: perEmailLimit * 3, key: ipKey, label: 'too-many-logins', what: 'sign-in attempts from this address' }),
    limiter({
      windowMs: 15 * 60_000,
      limit: perEmailLimit,
      key: (req) => `email:${typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : ''}`,
      label: 'too-many-logins',
      what: 'sign-in attempts for this account',
    }),
  ];
}

/** Secret-minting endpoints (SCIM tokens, invitations re-send). */
export function mintLimiter(what: string): RequestHandler {
  return limiter({ windowMs: 60_000, limit: 30, key: ipKey, label: 'too-many-requests', what });
}
