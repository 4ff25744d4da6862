import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

/**
 * The few HTML responses the SAML routes produce themselves. Each sets its own strict
 * Content-Security-Policy (replacing helmet's for that response only).
 */
const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function newCspNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The HTTP-POST binding page: its one inline script runs by nonce, and `form-action` names the
 * IdP's origin, because browsers apply form-action to the auto-submitted form (helmet's 'self' would block it).
 */
export function sendAutoPostPage(res: Response, html: string, nonce: string, ssoUrl: string): void {
  const target = new URL(ssoUrl).origin;
  res.setHeader('Content-Security-Policy', `default-src 'none'; script-src 'nonce-${nonce}'; form-action ${target}; base-uri 'none'; frame-ancestors 'none'`);
  res.setHeader('Cache-Control', 'no-store');
  res.status(200).type('html').send(html);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>\n<body><main><h1>${escapeHtml(title)}</h1>\n${body}\n</main></body></html>\n`;
}

/** The same words as the page layout's demo banner (views/demo/banner.eta), for these bare pages. */
const DEMO_BANNER = '<p role="note"><strong>DEMO</strong> This Gatehouse runs in demo mode (<code>npm run demo</code>): throwaway data and a mock identity provider. Not for real people.</p>\n';

function sendPage(res: Response, status: number, title: string, body: string): void {
  res.setHeader('Content-Security-Policy', "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).type('html').send(page(title, body));
}

/** Where a "test connection" sign-in ends: the outcome only; the full report is for admins (API / SSO page). */
export function sendTestResultPage(res: Response, outcome: { status: 'pending' | 'passed' | 'failed'; label: string | null } | null, options: { demo?: boolean } = {}): void {
  const banner = options.demo ? DEMO_BANNER : '';
  if (!outcome) return sendPage(res, 404, 'Unknown test run', `${banner}<p>This test run does not exist.</p>`);
  const text =
    outcome.status === 'passed'
      ? '<p>The test sign-in passed every check. Nobody was signed in and no user was changed.</p>'
      : outcome.status === 'failed'
        ? `<p>The test sign-in failed: <code>${escapeHtml(outcome.label ?? 'unknown')}</code>. Nobody was signed in and no user was changed.</p>`
        : '<p>The test sign-in has not reached Gatehouse yet.</p>';
  sendPage(res, 200, 'Test connection', `${banner}${text}\n<p>The full report is on the SSO page of team management.</p>`);
}
