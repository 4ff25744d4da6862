import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { ProvisioningLogEntry, Store } from '../store/port';

const KEEP_PER_TEAM = 1000;
const FLUSH_AFTER_MS = 200;
const FLUSH_AT_ENTRIES = 256;

type NewEntry = Omit<ProvisioningLogEntry, 'id'>;

/**
 * Lines a successful request adds to its log entry's detail (ignored attributes, stored custom
 * extensions): what a sync silently lost or kept is visible without logging bodies.
 */
export function provisioningNotes(res: Response): string[] {
  const notes = (res.locals.provisioningNotes as string[] | undefined) ?? [];
  res.locals.provisioningNotes = notes;
  return notes;
}

/**
 * The per-team log of recent SCIM requests (method, path, status, SCIM error type/detail, duration;
 * bodies are never stored). Entries are buffered and written in batches of one transaction, so a
 * SCIM request does not pay a second commit; readers in this process flush first (read-your-writes),
 * other instances see entries within FLUSH_AFTER_MS. A crash can lose that window of log lines —
 * never an acknowledged SCIM write, which the store commits before answering.
 */
export class ProvisioningLogWriter {
  private buffer: NewEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  record(entry: NewEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length >= FLUSH_AT_ENTRIES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS).unref();
  }

  /** Writes everything buffered so far; resolves once it is in the store. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() => this.write(batch));
    }
    return this.writing;
  }

  async list(teamId: string, limit: number): Promise<ProvisioningLogEntry[]> {
    await this.flush();
    return this.store.provisioningLog.list(teamId, limit);
  }

  private async write(batch: NewEntry[]): Promise<void> {
    try {
      await this.store.provisioningLog.appendMany(batch);
      for (const teamId of new Set(batch.map((e) => e.teamId))) {
        if (Math.random() < 0.02 * batch.length) await this.store.provisioningLog.prune(teamId, KEEP_PER_TEAM);
      }
    } catch (err) {
      this.logger.warn({ err, entries: batch.length }, 'provisioning log write failed');
    }
  }

  /** Records every request that passed SCIM token authentication. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const started = Date.now();
      const originalSend = res.send.bind(res);
      let errorInfo: { scimType: string | null; detail: string | null } = { scimType: null, detail: null };
      res.send = (body?: unknown) => {
        if (res.statusCode >= 400 && typeof body === 'string') {
          try {
            const parsed = JSON.parse(body) as { scimType?: string; detail?: string };
            errorInfo = { scimType: parsed.scimType ?? null, detail: parsed.detail ?? null };
          } catch {
            /* not a SCIM error body */
          }
        }
        return originalSend(body as never);
      };
      res.on('finish', () => {
        const token = res.locals.scimToken as { id: string; teamId: string } | undefined;
        if (!token) return;
        // A successful write may leave notes (adoption, SAML binding change, ignored attributes, custom extensions): logged as its detail.
        const notes = [...((res.locals.provisioningNotes as string[] | undefined) ?? []), ...(typeof res.locals.provisioningNote === 'string' ? [res.locals.provisioningNote] : [])];
        if (res.statusCode < 400 && notes.length > 0) errorInfo = { scimType: null, detail: notes.join('; ').slice(0, 1000) };
        this.record({ teamId: token.teamId, at: new Date().toISOString(), tokenId: token.id, method: req.method, path: req.originalUrl.split('?')[0]!.slice(0, 512), status: res.statusCode, ...errorInfo, durationMs: Date.now() - started });
      });
      next();
    };
  }
}
