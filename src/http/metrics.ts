import type { RequestHandler, Router } from 'express';
import { Router as createRouter } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { digestsEqual, sha256Hex } from '../crypto';
import type { Store } from '../store/port';
import { bearerToken } from './auth';
import { notFound, unauthorized } from './errors';

/** One registry per app instance (tests start many apps in one process). */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'gatehouse_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly latency = new Histogram({ name: 'gatehouse_http_request_duration_seconds', help: 'HTTP latency by route', labelNames: ['method', 'route'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry] });
  readonly storeLatency = new Histogram({ name: 'gatehouse_store_ping_seconds', help: 'Store round-trip measured at scrape time', buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5], registers: [this.registry] });
  readonly samlLogins = new Counter({ name: 'gatehouse_saml_logins_total', help: 'SAML ACS outcomes by label (ok or the refusal label)', labelNames: ['outcome'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
  }

  /** Counts each request under its route pattern (never the raw path: ids would explode cardinality). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const stop = this.latency.startTimer();
      res.on('finish', () => {
        const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        this.requests.inc({ method: req.method, route, status: String(res.statusCode) });
        stop({ method: req.method, route });
      });
      next();
    };
  }

  /** GET /metrics: off (404) unless METRICS_TOKEN is set; then the token is required. */
  routes(store: Store, token: string | undefined): Router {
    const router = createRouter();
    router.get('/metrics', async (req, res) => {
      if (!token) throw notFound('metrics-disabled', 'Metrics are off; set METRICS_TOKEN to enable /metrics.');
      const given = bearerToken(req);
      if (!given || !digestsEqual(sha256Hex(given), sha256Hex(token))) throw unauthorized('invalid-token', 'Send Authorization: Bearer <METRICS_TOKEN>.');
      const stop = this.storeLatency.startTimer();
      await store.ping().catch(() => undefined);
      stop();
      res.type(this.registry.contentType).send(await this.registry.metrics());
    });
    return router;
  }
}
