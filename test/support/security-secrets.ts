/**
 * Secret bookkeeping for the security suite: every secret a test handles is recorded here, and
 * the server's log lines and data files are searched for each one (and its common encodings).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export class SecretTracker {
  private readonly secrets = new Map<string, string>();

  /** Records a secret under a name (the name shows in failure messages, the value never does). */
  add(name: string, value: string | null | undefined): void {
    if (!value || value.length < 8) throw new Error(`secret ${name} is too short to track`);
    this.secrets.set(value, name);
  }

  get size(): number {
    return this.secrets.size;
  }

  /** The names of the secrets that occur in `text` (raw, URL-encoded or JSON-escaped). */
  foundIn(text: string): string[] {
    const found = new Set<string>();
    for (const [value, name] of this.secrets) {
      const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
      // Long values (SAMLResponse bodies) are also looked for by a slice from their middle, so a
      // truncated or re-wrapped copy in a log line is still caught.
      if (value.length > 200) forms.push(value.slice(100, 164));
      if (forms.some((f) => text.includes(f))) found.add(name);
    }
    return [...found];
  }

  /** Names of the secrets present in any file under `dir` whose name matches `pattern`, read as bytes (latin1 keeps them 1:1). */
  foundInFiles(dir: string, pattern: RegExp): { file: string; secrets: string[] }[] {
    const hits: { file: string; secrets: string[] }[] = [];
    for (const file of walk(dir)) {
      if (!pattern.test(path.basename(file))) continue;
      const bytes = readFileSync(file);
      const found = this.foundIn(bytes.toString('latin1'));
      const utf16 = this.foundIn(bytes.toString('utf16le'));
      const all = [...new Set([...found, ...utf16])];
      if (all.length) hits.push({ file: path.relative(dir, file), secrets: all });
    }
    return hits;
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}
