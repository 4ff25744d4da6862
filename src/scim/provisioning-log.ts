import type { RequestHandler } from 'express';
import type { Store } from '../store/port';

const KEEP_PER_TEAM = 1000;

/**
 * Records every authenticated SCIM request (method, path, status, SCIM error type/detail,
 * duration) so admins can see what their IdP did. Bodies are never stored.
 */
export function provisioningLog(store: Store): RequestHandler {
  return (req, res, next) => {
    const started = Date.now();
    const originalSend = res.send.bind(res);
    let errorInfo: { scimType: string | null; detail: string | null } = { scimType: null, detail: null };
    res.send = (body?: unknown) => {
      if (res.statusCode >= 400 && typeof body === 'string') {
        try {
          const parsed = JSON.parse(body) as { scimType?: string; detail?: string };
          errorInfo = { scimType: parsed.scimType ?? null, detail: parsed.detail ?? null };
        } catch {
          /* not a SCIM error body */
        }
      }
      return originalSend(body as never);
    };
    res.on('finish', () => {
      const token = res.locals.scimToken as { id: string; teamId: string } | undefined;
      if (!token) return;
      const entry = { teamId: token.teamId, at: new Date().toISOString(), tokenId: token.id, method: req.method, path: req.originalUrl.split('?')[0]!.slice(0, 512), status: res.statusCode, ...errorInfo, durationMs: Date.now() - started };
      store.provisioningLog
        .append(entry)
        .then(() => (Math.random() < 0.02 ? store.provisioningLog.prune(token.teamId, KEEP_PER_TEAM) : undefined))
        .catch((err) => req.log.warn({ err }, 'provisioning log write failed'));
    });
    next();
  };
}
