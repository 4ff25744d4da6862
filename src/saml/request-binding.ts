import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { CookieOptions } from 'express';

/**
 * Login-CSRF defence: every AuthnRequest is bound to the browser that started it. Starting a
 * sign-in sets a short-lived HttpOnly cookie holding a keyed HMAC of the request id; the ACS only
 * accepts a response whose (signed) InResponseTo has its HMAC in this browser's cookie. A response
 * to a login started in another browser (an attacker's own sign-in posted into a victim's browser)
 * therefore fails, although its signature and request are otherwise valid.
 *
 * The HMAC key is derived (HKDF, its own label) from the instance secret stored once for every
 * instance (the CSRF secret): any instance accepts any other's cookie, an SP key rollover does not
 * touch it, and nothing else has to be stored or configured.
 */
export const BINDING_COOKIE = 'gh_sso_request';
export const SECURE_BINDING_COOKIE = '__Secure-gh_sso_request';
/** Two tabs (or a retry) may each start a sign-in; the cookie keeps the newest few. */
const MAX_BOUND_REQUESTS = 4;
/** 128 bits of HMAC, base64url: unguessable, and four fit comfortably in a cookie. */
const TAG_BYTES = 16;
const TAG = /^[A-Za-z0-9_-]{22}$/;

export interface CookieToSet {
  name: string;
  /** Empty: clear the cookie. */
  value: string;
  options: CookieOptions;
}

export class RequestBinding {
  private readonly key: Buffer;

  constructor(
    instanceSecret: string,
    private readonly secure: boolean,
    private readonly ttlSeconds: number,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', instanceSecret, 'gatehouse', 'authn-request browser binding v1', 32));
  }

  /** The cookie's name: `__Secure-` behind TLS, so no plain-http page of the same site can plant it. */
  get cookieName(): string {
    return this.secure ? SECURE_BINDING_COOKIE : BINDING_COOKIE;
  }

  /**
   * The IdP's POST to the ACS is a cross-site request: a SameSite=Lax or Strict cookie would not be
   * sent with it, so behind TLS the cookie is SameSite=None (which browsers only accept with Secure).
   * On plain-http development SameSite=None is refused by browsers, so it falls back to Lax — which
   * works when the IdP is on the same site (localhost) and is documented as such.
   */
  private options(maxAgeSeconds: number): CookieOptions {
    return { httpOnly: true, secure: this.secure, sameSite: this.secure ? 'none' : 'lax', path: '/sso/', maxAge: maxAgeSeconds * 1000 };
  }

  private tag(requestId: string): string {
    return createHmac('sha256', this.key).update(requestId).digest().subarray(0, TAG_BYTES).toString('base64url');
  }

  private tagsOf(cookie: string | null | undefined): string[] {
    return typeof cookie === 'string' ? cookie.split('.').filter((t) => TAG.test(t)).slice(-MAX_BOUND_REQUESTS) : [];
  }

  /** The cookie to set when this browser starts the sign-in `requestId` (keeps its other recent ones). */
  started(cookie: string | null | undefined, requestId: string): CookieToSet {
    const tags = [...this.tagsOf(cookie), this.tag(requestId)].slice(-MAX_BOUND_REQUESTS);
    return { name: this.cookieName, value: tags.join('.'), options: this.options(this.ttlSeconds) };
  }

  /** Whether this browser's cookie holds the HMAC of `requestId`; compared in constant time. */
  startedHere(cookie: string | null | undefined, requestId: string): boolean {
    const expected = Buffer.from(this.tag(requestId));
    let found = false;
    for (const tag of this.tagsOf(cookie)) {
      const given = Buffer.from(tag);
      if (given.length === expected.length && timingSafeEqual(given, expected)) found = true;
    }
    return found;
  }

  /** The cookie after `requestId` was answered: that request's HMAC removed (cleared when none are left). */
  finished(cookie: string | null | undefined, requestId: string): CookieToSet {
    const done = this.tag(requestId);
    const rest = this.tagsOf(cookie).filter((t) => t !== done);
    return { name: this.cookieName, value: rest.join('.'), options: this.options(rest.length > 0 ? this.ttlSeconds : 0) };
  }
}
