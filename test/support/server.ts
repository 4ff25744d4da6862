import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/http/logger';
import { startGatehouse, type Running } from '../../src/main';

export interface TestServer extends Running {
  dataDir: string;
  /** Every log line the server wrote, as raw JSON text. */
  logs: string[];
  close(): Promise<void>;
}

/** Starts the real server on an ephemeral port over a fresh SQLite file in a temp DATA_DIR. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = env.DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'gatehouse-test-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, CERTS_DIR: path.join(dataDir, 'certs'), LOG_LEVEL: 'info', ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger('info', sink as never);
  const running = await startGatehouse(config, logger);
  // PUBLIC_URL defaults to the configured port (0); point it at the real one for tests.
  if (!env.PUBLIC_URL) running.services.config.publicUrl = running.url;
  return {
    ...running,
    dataDir,
    logs,
    async close() {
      await running.stop();
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
