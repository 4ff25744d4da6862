import type { Db } from './database';

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Most jobs one transaction takes: a long transaction holds the event loop and the write lock. */
const MAX_JOBS_PER_COMMIT = 128;

/**
 * Group commit for the embedded store. Every write job queued during one turn of the event loop
 * runs in a single IMMEDIATE transaction, each job in its own savepoint, and the promises settle
 * only after COMMIT — so a request is still answered only once its write is durable, and a failing
 * job (a taken userName, a stale version) rolls back alone.
 *
 * Why: a SQLite commit writes every page the transaction dirtied to the WAL, ~25 µs a page on this
 * disk, and a SCIM write dirties 5–15 pages (users has nine indexes, the audit log four). Under
 * concurrent provisioning most of those pages are shared between the writes of one batch (the
 * append-only audit and log tails, the created_at/updated_at indexes), so one commit for the batch
 * writes each page once. With one request at a time a batch is that one request.
 */
export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  private readonly commitBatch: { immediate(jobs: Job[], outcomes: Array<{ ok: boolean; value: unknown }>): void };
  private readonly savepoint: (work: () => unknown) => unknown;

  constructor(private readonly db: Db) {
    // Nested inside commitBatch, better-sqlite3 runs a transaction function as a SAVEPOINT.
    this.savepoint = db.transaction((work: () => unknown) => work());
    this.commitBatch = db.transaction((jobs: Job[], outcomes: Array<{ ok: boolean; value: unknown }>) => {
      for (const job of jobs) {
        try {
          outcomes.push({ ok: true, value: this.savepoint(job.work) });
        } catch (error) {
          // Disk full, I/O and out-of-memory errors roll back the whole transaction, not just the savepoint:
          // then nothing of the batch is written, and the remaining jobs must not run (outside any transaction).
          if (!this.db.inTransaction) throw error;
          outcomes.push({ ok: false, value: error });
        }
      }
    });
  }

  /** Runs `work` (synchronous store statements) in the next group transaction; settles after its COMMIT. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Commits everything queued now (also called before the database closes). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) this.commit(this.queue.splice(0, MAX_JOBS_PER_COMMIT));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.commit(this.queue.splice(0, MAX_JOBS_PER_COMMIT));
      // More than one batch queued: the rest after other I/O has had its turn.
      if (this.queue.length > 0) this.schedule();
    });
  }

  private commit(jobs: Job[]): void {
    if (jobs.length === 0) return; // a flush() already took them
    if (!this.db.open) {
      const closed = new Error('The store is closed.');
      for (const job of jobs) job.reject(closed);
      return;
    }
    const outcomes: Array<{ ok: boolean; value: unknown }> = [];
    try {
      this.commitBatch.immediate(jobs, outcomes);
    } catch (error) {
      // BEGIN or COMMIT failed (lock timeout, disk full): nothing of the batch was written.
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.value);
    });
  }
}
