import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(ts|js)$/.test(entry.name) ? [full] : [];
  });
}

describe('Runtime dependencies', () => {
  const code = [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'bin'))].map((f) => readFileSync(f, 'utf8')).join('\n');
  const dependencies = Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);

  test.each(dependencies)('When an auditor reads package.json, then %s is really imported by src/ or bin/ (no dependency to patch that never runs)', (name) => {
    const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    expect({ name, imported: new RegExp(`(from |require\\(|import\\()'${escaped}(/[^']*)?'`).test(code) }).toEqual({ name, imported: true });
  });
});
