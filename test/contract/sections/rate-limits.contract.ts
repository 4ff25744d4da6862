import { randomUUID } from 'node:crypto';
import type { GetStore } from '../store.contract';

const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms);

export function rateLimitsContract(store: GetStore): void {
  const key = () => `test:${randomUUID()}`;

  test('When hits arrive within one window, then they are counted and the window end stays put', async () => {
    const k = key();
    expect(await store().rateLimits.get(k, at(0))).toBeNull();
    expect(await store().rateLimits.hit(k, 60_000, at(0))).toEqual({ hits: 1, resetAt: at(60_000) });
    expect(await store().rateLimits.hit(k, 60_000, at(10_000))).toEqual({ hits: 2, resetAt: at(60_000) });
    expect(await store().rateLimits.get(k, at(20_000))).toEqual({ hits: 2, resetAt: at(60_000) });
  });

  test('When the window has ended, then the next hit starts a new one at 1', async () => {
    const k = key();
    await store().rateLimits.hit(k, 60_000, at(0));
    await store().rateLimits.hit(k, 60_000, at(1));
    expect(await store().rateLimits.get(k, at(60_000))).toBeNull();
    expect(await store().rateLimits.hit(k, 60_000, at(60_000))).toEqual({ hits: 1, resetAt: at(120_000) });
  });

  test('When 40 hits on one key race, then every one is counted exactly once', async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 40 }, () => store().rateLimits.hit(k, 60_000, at(0))));
    expect(results.map((r) => r.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  test('When a hit is undone or the key reset, then the count goes down (never below zero) or starts over', async () => {
    const k = key();
    await store().rateLimits.hit(k, 60_000, at(0));
    await store().rateLimits.hit(k, 60_000, at(0));
    await store().rateLimits.undo(k);
    expect((await store().rateLimits.get(k, at(1)))!.hits).toBe(1);
    await store().rateLimits.undo(k);
    await store().rateLimits.undo(k);
    expect((await store().rateLimits.get(k, at(1)))!.hits).toBe(0);
    await store().rateLimits.reset(k);
    expect(await store().rateLimits.get(k, at(1))).toBeNull();
  });

  test('When expired windows are swept, then only those go', async () => {
    const old = key();
    const fresh = key();
    await store().rateLimits.hit(old, 1_000, at(0));
    await store().rateLimits.hit(fresh, 60_000, at(0));
    expect(await store().rateLimits.deleteExpired(at(5_000))).toBeGreaterThanOrEqual(1);
    expect(await store().rateLimits.get(fresh, at(5_000))).toEqual({ hits: 1, resetAt: at(60_000) });
    expect(await store().rateLimits.hit(old, 1_000, at(5_000))).toEqual({ hits: 1, resetAt: at(6_000) });
  });
}
