import { call } from '../../support/http';
import { startTestServer, type TestServer } from '../../support/server';

describe('Prometheus metrics', () => {
  let server: TestServer;
  afterEach(() => server.close());

  test('When METRICS_TOKEN is unset, then /metrics is off (404)', async () => {
    server = await startTestServer();
    const r = await call(server.url, 'GET', '/metrics');
    expect(r.status).toBe(404);
    expect(r.body.label).toBe('metrics-disabled');
  });

  test('When METRICS_TOKEN is set, then only its holder reads request counts by route pattern', async () => {
    server = await startTestServer({ METRICS_TOKEN: 'scrape-secret-123' });
    await call(server.url, 'GET', '/healthz');
    expect((await call(server.url, 'GET', '/metrics')).status).toBe(401);
    expect((await call(server.url, 'GET', '/metrics', { token: 'wrong' })).status).toBe(401);
    const r = await call(server.url, 'GET', '/metrics', { token: 'scrape-secret-123' });
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/gatehouse_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(r.text).toMatch(/gatehouse_store_ping_seconds_count 1/);
  });
});
