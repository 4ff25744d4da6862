import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Written into the demo data folder; only a folder carrying it (or an empty one) is ever wiped. */
export const DEMO_MARKER = '.gatehouse-demo';
export const DEFAULT_DEMO_DIR = './data-demo';

export class DemoFolderError extends Error {}

/**
 * Makes `dir` an empty demo data folder: created if missing, wiped if an earlier demo made it.
 * A non-empty folder without the marker might be someone's real data, so it is refused, not wiped.
 */
export async function freshDemoFolder(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    entries = [];
  }
  if (entries.length > 0 && !entries.includes(DEMO_MARKER))
    throw new DemoFolderError(
      `${dir} is not empty and was not made by \`npm run demo\` (no ${DEMO_MARKER} file in it); the demo wipes its folder at every start, so it will not touch this one. ` +
        'Remove it, or point DEMO_DATA_DIR at another folder.',
    );
  for (const entry of entries) await fs.rm(path.join(dir, entry), { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.writeFile(path.join(dir, DEMO_MARKER), 'Made by `npm run demo`; wiped and re-seeded at every start.\n');
}
