import type { Logger } from 'pino';

/** A background round on a timer, as the composition root starts and stops it. */
export interface RepeatingTask {
  /** Stops the timer and waits for a round in progress (the store closes right after). */
  stop(): Promise<void>;
}

/**
 * Runs `round` every `intervalMs`, one round at a time (a tick that finds one running is skipped).
 * A failed round is logged and retried at the next tick: background work never takes the server down.
 * The timer does not keep the process alive.
 */
export function startRepeatingTask(round: () => Promise<unknown>, intervalMs: number, logger: Logger, failure: string): RepeatingTask {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = round()
      .catch((err) => logger.error({ err }, failure))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
