/**
 * Docker cannot run on these machines, so the deployment files are checked structurally:
 * docker-compose.yml parsed as YAML, the Dockerfile read instruction by instruction, and the image
 * layout (/app/dist + views + public + node_modules) rebuilt in a temp directory with the same
 * `tsc -p tsconfig.build.json` and started with the image's CMD.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

// js-yaml is in node_modules as a transitive dependency (no dependency added for this test).
const yaml = require('js-yaml') as { load?: (s: string) => unknown; safeLoad?: (s: string) => unknown };
const parseYaml = (text: string) => (yaml.safeLoad ?? yaml.load)!(text) as any;

interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function dockerfile(text: string): { instructions: Instruction[]; stages: Array<{ image: string; name: string | null }> } {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Array<{ image: string; name: string | null }> = [];
  const instructions: Instruction[] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword) throw new Error(`unparsable Dockerfile line: ${line}`);
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args!.trim());
      stages.push({ image: m![1]!, name: m![2] ?? null });
    }
    instructions.push({ keyword: upper, args: args!.trim(), stage: stages.length - 1 });
  }
  return { instructions, stages };
}

describe('Dockerfile', () => {
  const { instructions, stages } = dockerfile(read('Dockerfile'));
  const last = stages.length - 1;
  const runtime = instructions.filter((i) => i.stage === last);

  test('When it is read, then it is multi-stage on node 20 slim and every COPY --from names an earlier stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.image).toMatch(/^node:20(\.[\d.]+)?-(bookworm-)?slim$/);
    const names = stages.map((s) => s.name);
    for (const i of instructions.filter((x) => x.keyword === 'COPY' && x.args.startsWith('--from='))) {
      const from = /--from=(\S+)/.exec(i.args)![1]!;
      expect(names.slice(0, i.stage)).toContain(from);
    }
    expect(instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n')).toMatch(/npm ci --omit=dev/);
  });

  test('When the runtime stage is read, then it runs as a non-root user, checks /healthz and starts the built server', () => {
    const users = runtime.filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]!.args).not.toMatch(/^(root|0)(:|$)/);
    const health = runtime.find((i) => i.keyword === 'HEALTHCHECK');
    expect(health?.args).toMatch(/\/healthz/);
    const cmd = runtime.find((i) => i.keyword === 'CMD');
    // The image runs the built server with the same node flags as `npm start` (and the benchmarks).
    const startFlags = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start.split(/\s+/).filter((a) => a.startsWith('--'));
    expect(startFlags).toContain('--max-semi-space-size=4');
    expect(JSON.parse(cmd!.args)).toEqual(['node', ...startFlags, 'dist/server.js']);
    const copies = runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual(expect.arrayContaining(['views ./views', 'public ./public']));
    expect(runtime.find((i) => i.keyword === 'WORKDIR')?.args).toBe('/app');
  });

  test('When the build context is read, then every source the Dockerfile copies exists and secrets stay out of it', () => {
    for (const i of instructions.filter((x) => x.keyword === 'COPY' && !x.args.startsWith('--from='))) {
      const parts = i.args.split(/\s+/);
      for (const src of parts.slice(0, -1)) expect({ src, exists: existsSync(path.join(ROOT, src)) }).toEqual({ src, exists: true });
    }
    const ignored = read('.dockerignore').split(/\r?\n/).map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'data', 'certs', '.env', 'dist']));
  });

  test('When tsconfig.build.json compiles into the image layout, then the CMD file exists and serves /healthz, pages and assets', async () => {
    const app = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-image-'));
    try {
      const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(app, 'dist')], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);
      expect(existsSync(path.join(app, 'dist/server.js'))).toBe(true);
      expect(existsSync(path.join(app, 'dist/cli/main.js'))).toBe(true);
      for (const dir of ['views', 'public', 'node_modules']) symlinkSync(path.join(ROOT, dir), path.join(app, dir));
      const child = spawn(process.execPath, ['dist/server.js'], {
        cwd: app,
        env: { ...process.env, NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(app, 'data'), CERTS_DIR: path.join(app, 'certs'), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL: ${out}`)), 20_000);
        child.stdout.on('data', () => {
          const m = /serving at (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/admin/login`)).status).toBe(200); // views/ found
      expect((await fetch(`${url}/assets/gatehouse.css`)).status).toBe(200); // public/ found
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml'));
  const services = compose.services as Record<string, any>;

  test('When it is parsed, then MongoDB 7 runs as a replica set initiated and awaited by its healthcheck, with a volume', () => {
    const mongo = services.mongo;
    expect(mongo.image).toMatch(/^mongo:7(\.|$)/);
    expect(mongo.command.join(' ')).toMatch(/--replSet rs0/);
    const check = mongo.healthcheck.test.join(' ');
    expect(check).toMatch(/rs\.initiate\(/);
    expect(check).toMatch(/isWritablePrimary/);
    expect(check).toMatch(/quit\(1\)/);
    expect(mongo.volumes).toContain('mongo-data:/data/db');
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['mongo-data', 'certs', 'data']));
  });

  test('When it is parsed, then each Gatehouse instance waits for a healthy MongoDB and gets the replica-set URI, PUBLIC_URL, certs and SMTP', () => {
    for (const name of ['gatehouse', 'gatehouse-b']) {
      const svc = services[name];
      expect(svc.build).toBe('.');
      expect(svc.depends_on.mongo.condition).toBe('service_healthy');
      const uri = new URL(svc.environment.MONGODB_URI);
      expect(uri.protocol).toBe('mongodb:');
      expect(uri.hostname).toBe('mongo');
      expect(Object.fromEntries(uri.searchParams)).toEqual({ replicaSet: 'rs0', retryWrites: 'true', w: 'majority' });
      expect(svc.environment.PUBLIC_URL).toMatch(/^\$\{PUBLIC_URL/);
      expect(svc.environment).toHaveProperty('SMTP_URL');
      expect(svc.environment).toHaveProperty('MAIL_FROM');
      expect(svc.environment.CERTS_DIR).toBe('/certs');
      expect(svc.volumes).toContain('certs:/certs');
    }
    // One PUBLIC_URL, one store, one SP key for every instance: they are interchangeable.
    expect(services['gatehouse-b'].environment).toEqual(services.gatehouse.environment);
    expect(services.gatehouse.ports).toEqual(['3000:3000']);
  });

  test('When it is parsed, then the scale profile puts two instances behind nginx with the repository config', () => {
    expect(services['gatehouse-b'].profiles).toEqual(['scale']);
    expect(services.proxy.profiles).toEqual(['scale']);
    expect(services.proxy.image).toMatch(/^nginx:/);
    expect(services.proxy.volumes).toContain('./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(Object.keys(services.proxy.depends_on).sort()).toEqual(['gatehouse', 'gatehouse-b']);
    expect(services.gatehouse.profiles).toBeUndefined();
    expect(services.mongo.profiles).toBeUndefined();
    const nginx = read('deploy/nginx.conf');
    const upstreams = [...nginx.matchAll(/^\s*server\s+([\w-]+):3000/gm)].map((m) => m[1]);
    expect(upstreams).toEqual(['gatehouse', 'gatehouse-b']);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-Proto/);
  });

  test('When the image or the compose file names a variable, then the server knows it', () => {
    const known = new Set([...read('src/config.ts').matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]));
    for (const name of ['gatehouse', 'gatehouse-b']) for (const key of Object.keys(services[name].environment)) expect({ key, known: known.has(key) }).toEqual({ key, known: true });
    const env = /^ENV\s+(.*)$/m.exec(read('Dockerfile'))![1]!;
    for (const [, key] of env.matchAll(/([A-Z_]+)=/g)) if (key !== 'NODE_ENV') expect({ key, known: known.has(key!) }).toEqual({ key, known: true });
  });
});
