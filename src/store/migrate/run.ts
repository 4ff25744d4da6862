/** Copies the embedded store into another store: in dependency order, by pages, then verifies. */
import { keyOf, TRANSFER_KINDS, type TransferKind, type TransferRecords, type TransferSource, type TransferTarget } from './records';

export interface KindResult {
  kind: TransferKind;
  /** Records in the source snapshot. */
  source: number;
  /** Records written (upserted) to the target in this run. */
  copied: number;
  /** Source records found in the target afterwards: equal to `source` when verified. */
  verified: number;
  /** All records of this kind in the target (may exceed `source` when the target had others). */
  target: number;
}

export interface MigrationResult {
  from: string;
  to: string;
  ok: boolean;
  kinds: KindResult[];
  ms: number;
}

export interface Progress {
  kind: TransferKind;
  done: number;
  total: number;
}

export async function migrateStore(
  source: TransferSource,
  target: TransferTarget,
  options: { batchSize?: number; onProgress?: (p: Progress) => void } = {},
): Promise<MigrationResult> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 500;
  const kinds: KindResult[] = [];
  for (const kind of TRANSFER_KINDS) {
    if (!source.supports(kind)) continue; // the embedded store predates this kind: nothing to copy
    if (!target.supports(kind)) throw new Error(`the target cannot store ${kind}; upgrade Gatehouse where the target is written`);
    const total = await source.count(kind);
    let copied = 0;
    let after: string | null = null;
    options.onProgress?.({ kind, done: 0, total });
    for (;;) {
      const page: Array<TransferRecords[TransferKind]> = await source.page(kind, after, batchSize);
      if (page.length === 0) break;
      await target.upsert(kind, page);
      copied += page.length;
      after = source.cursorOf(kind, page[page.length - 1]!);
      options.onProgress?.({ kind, done: copied, total });
    }
    // Verification re-reads the source keys and asks the target how many it holds.
    let verified = 0;
    after = null;
    for (;;) {
      const page: Array<TransferRecords[TransferKind]> = await source.page(kind, after, batchSize);
      if (page.length === 0) break;
      verified += await target.countExisting(kind, page.map(keyOf));
      after = source.cursorOf(kind, page[page.length - 1]!);
    }
    kinds.push({ kind, source: total, copied, verified, target: await target.count(kind) });
  }
  return { from: source.description, to: target.description, ok: kinds.every((k) => k.verified === k.source && k.copied === k.source), kinds, ms: Date.now() - started };
}

/** A text progress bar: "users            [##########----------]  120/240". */
export function progressLine(p: Progress, width = 24): string {
  const ratio = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
  const filled = Math.round(ratio * width);
  return `${p.kind.padEnd(18)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(p.done).padStart(String(p.total).length)}/${p.total}`;
}
