import type { Response } from 'express';

/**
 * Pages whose form leads on to the company IdP (enterprise login) must let that navigation
 * through: browsers apply the page's `form-action` to every redirect after the submit, and the
 * IdP's address is not ours. Everything else in helmet's policy stays as it is.
 */
export function allowFormsToLeadOffSite(res: Response, allowPlainHttp: boolean): void {
  const policy = res.getHeader('Content-Security-Policy');
  if (typeof policy !== 'string') return;
  const targets = allowPlainHttp ? "'self' https: http:" : "'self' https:";
  res.setHeader('Content-Security-Policy', policy.replace(/form-action [^;]*/, `form-action ${targets}`));
}
