/**
 * SIGTERM (what `docker stop` and Kubernetes send): the process stops accepting connections,
 * finishes the requests in flight, closes the store and exits 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { runCli, sharedStoreEnv, startProcess } from './processes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Graceful shutdown of a real process', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-term-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('When SIGTERM arrives during an in-flight request, then the request completes, new connections are refused and the process exits 0', async () => {
    const env = sharedStoreEnv(dir);
    const created = await runCli(['team', 'create', '--init', '--name', 'Acme', '--owner-email', 'ada@acme.test', '--password-stdin'], env, 'ada-password-1\n');
    expect(created.code).toBe(0);
    const server = await startProcess(env);
    const { port } = new URL(server.url);

    // A sign-in whose body is still arriving when the signal comes: the request is in flight.
    const body = JSON.stringify({ email: 'ada@acme.test', password: 'ada-password-1' });
    let req!: http.ClientRequest;
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/login?persist=false', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    await sleep(300);
    server.child.kill('SIGTERM');
    await sleep(400);
    // Still alive, waiting for the request; but no longer accepting new connections.
    expect(server.child.exitCode).toBeNull();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    req.end(body.slice(10));

    const reply = await response;
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toMatchObject({ token_type: 'Bearer' });
    const answeredAt = Date.now();
    expect(await server.exited).toBe(0);
    // A kept-alive connection does not hold the exit until its keep-alive timeout.
    expect(Date.now() - answeredAt).toBeLessThan(2500);
    await sleep(10);
  }, 30_000);
});
