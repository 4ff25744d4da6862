/** `npm run bench`: runs every benchmark module in turn and prints its table. Not part of `npm test`. */
import os from 'node:os';
import { formatTable, type BenchReport } from './report';
import * as scimUsers from './scim-users';

const BENCHES: Array<{ run(): Promise<BenchReport> }> = [scimUsers];

async function main(): Promise<void> {
  process.stdout.write(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GB\n`);
  const started = Date.now();
  for (const bench of BENCHES) {
    const report = await bench.run();
    process.stdout.write(`\n## ${report.title}\n\n${formatTable(report.rows)}\n\n${report.notes.map((n) => `- ${n}`).join('\n')}\n`);
  }
  process.stdout.write(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
