import type { Request, RequestHandler } from 'express';
import passport from 'passport';

/**
 * passport is the door for every way in (SCIM token, access token, session cookie, SAML ACS);
 * the strategies wrap our own checks, so behaviour and error bodies are what they were.
 * A strategy refuses with `error(AppError)` where the refusal is the answer (401 bodies say what
 * to send), and with `fail(reason)` where the route decides what a refusal means (pages, ACS).
 * No sessions: the session cookie is our own token, checked per request (`session: false`).
 */
export type Authenticator = passport.Authenticator;

/** The base class our strategies extend: passport's own, so success/fail/error are passport's. */
export const PassportStrategy = passport.Strategy;

/** Runs an async check inside a strategy: a thrown error becomes passport's error(). */
export function settle<T>(strategy: { error(err: unknown): void }, check: Promise<T>, decide: (value: T) => void): void {
  check.then(decide, (e: unknown) => strategy.error(e));
}

/** What a strategy decided for this request: the principal, or the reason it gave to fail(). */
export type Verdict<P, R> = { ok: true; principal: P } | { ok: false; reason: R };

/**
 * `passport.authenticate(name, { session: false })` with the verdict handed to `use`; errors go to
 * the error middleware unchanged. The callback is per request (it closes over res and next).
 */
export function authenticateWith<P, R>(auth: Authenticator, name: string, use: (verdict: Verdict<P, R>, req: Request, res: Parameters<RequestHandler>[1], next: Parameters<RequestHandler>[2]) => void): RequestHandler {
  const options = { session: false };
  return (req, res, next) => {
    const done = (err: unknown, principal: P | false, reason: R) => {
      if (err) return next(err);
      try {
        use(principal ? { ok: true, principal } : { ok: false, reason }, req, res, next);
      } catch (e) {
        next(e);
      }
    };
    (auth.authenticate(name, options, done) as RequestHandler)(req, res, next);
  };
}

/**
 * The principal is put in `res.locals[key]`; a strategy that refuses has already called error().
 * For strategies that only succeed or error() (SCIM token, access token), the passport middleware is
 * built once, not per request: every SCIM request walks it, and a per-request callback cost a closure
 * and a fresh middleware each time. failWithError turns a stray fail() into a 401 error, never a hang.
 */
export function requirePrincipal(auth: Authenticator, name: string, key: string): RequestHandler {
  const property = `gatehousePrincipal_${key}`;
  const authenticate = auth.authenticate(name, { session: false, assignProperty: property, authInfo: false, failWithError: true }) as RequestHandler;
  return (req, res, next) => {
    authenticate(req, res, (err?: unknown) => {
      if (err) return next(err);
      const holder = req as unknown as Record<string, unknown>;
      res.locals[key] = holder[property];
      holder[property] = undefined;
      next();
    });
  };
}
