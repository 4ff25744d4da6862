import { Router } from 'express';
import type { Store } from '../store/port';

export function healthRoutes(store: Store): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ready', store: store.kind });
    } catch (err) {
      req.log.warn({ err }, 'store not ready');
      res.status(503).json({ code: 503, label: 'store-unavailable', message: 'The store does not answer.' });
    }
  });
  return router;
}
