import { badRequest } from '../http/errors';

const MAX_REDIRECT_LENGTH = 2048;

/**
 * Where the browser may be sent after a sign-in: a path on this host, or a URL whose origin is
 * this instance's or one of REDIRECT_ALLOWLIST. Built once from config; everything is compared
 * as a parsed URL origin, never as a string prefix (`https://app.example.com.evil.test`).
 */
export class RedirectPolicy {
  private readonly origins: Set<string>;
  private readonly selfOrigin: string;

  constructor(
    private readonly publicUrl: string,
    allowlist: readonly string[],
  ) {
    this.selfOrigin = new URL(publicUrl).origin;
    this.origins = new Set([this.selfOrigin]);
    for (const entry of allowlist) {
      const url = URL.canParse(entry) ? new URL(entry) : null;
      // A malformed entry is ignored rather than allowing anything by accident.
      if (url && (url.protocol === 'https:' || url.protocol === 'http:')) this.origins.add(url.origin);
    }
  }

  /** The target to store, or null if it is not allowed. Relative paths stay relative. */
  check(value: string): string | null {
    if (value.length === 0 || value.length > MAX_REDIRECT_LENGTH) return null;
    // Control characters, whitespace and backslashes are how `/\evil.com` and `/%09/evil.com` tricks work.
    if (/[\u0000-\u0020\u007f\\]/.test(value)) return null;
    if (value.startsWith('/')) {
      if (value.startsWith('//')) return null; // protocol-relative: another host
      const resolved = new URL(value, this.publicUrl);
      return resolved.origin === this.selfOrigin ? value : null;
    }
    if (!URL.canParse(value)) return null;
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null; // javascript:, data:…
    if (url.username || url.password) return null;
    return this.origins.has(url.origin) ? url.href : null;
  }

  /** For query parameters: absent → fallback; present but not allowed → 400 naming the parameter. */
  fromQuery(value: unknown, name: string, fallback: string | null): string | null {
    if (value === undefined || value === '') return fallback;
    const checked = typeof value === 'string' ? this.check(value) : null;
    if (checked === null)
      throw badRequest(
        'invalid-redirect',
        `${name} must be a path on this host (starting with a single "/") or a URL on an allowed origin (${[...this.origins].join(', ')}); configure REDIRECT_ALLOWLIST to add origins.`,
      );
    return checked;
  }
}

/** `target` with `label=<label>` in its query (targets were checked by RedirectPolicy when stored). */
export function withLabel(target: string, label: string): string {
  const relative = target.startsWith('/');
  const url = new URL(target, 'http://relative.invalid');
  url.searchParams.set('label', label);
  return relative ? `${url.pathname}${url.search}${url.hash}` : url.href;
}
