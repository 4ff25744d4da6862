import { randomUUID } from 'node:crypto';
import type { SpKey, SpKeyUse } from '../../../src/store/port';
import type { GetStore } from '../store.contract';

// The store only keeps these as text; real certificates are not needed to test the lifecycle.
function key(use: SpKeyUse, label: string): SpKey {
  return { id: randomUUID(), use, state: 'active', certPem: `cert ${label} ${use}`, sealedPrivateKey: `plain1.${label}-${use}`, createdAt: new Date().toISOString(), activatedAt: null };
}
const pair = (label: string) => [key('signing', label), key('encryption', label)];
const states = async (getStore: GetStore) =>
  (await getStore().spKeys.list())
    .map((k) => `${k.use}:${k.state}:${k.certPem.split(' ')[1]}`)
    .sort();

/** SP keys are instance-wide: this section walks one store through a whole rollover, in order. */
export function spKeysContract(getStore: GetStore): void {
  test('When two instances start at once on an empty store, then both get the same active pair and only one pair is stored', async () => {
    const [a, b] = await Promise.all([getStore().spKeys.createActiveIfAbsent(pair('A')), getStore().spKeys.createActiveIfAbsent(pair('B'))]);
    expect(a.map((k) => k.id).sort()).toEqual(b.map((k) => k.id).sort());
    expect(a).toHaveLength(2);
    const winner = a[0]!.certPem.split(' ')[1];
    expect(await states(getStore)).toEqual([`encryption:active:${winner}`, `signing:active:${winner}`]);
    // A later start changes nothing either.
    const again = await getStore().spKeys.createActiveIfAbsent(pair('C'));
    expect(again.map((k) => k.id).sort()).toEqual(a.map((k) => k.id).sort());
  });

  test('When a pair is staged, then it sits beside the active one; a second stage is refused', async () => {
    const active = (await getStore().spKeys.list()).map((k) => k.certPem.split(' ')[1])[0]!;
    expect(await getStore().spKeys.stage(pair('N'))).toBe('staged');
    expect(await getStore().spKeys.stage(pair('M'))).toBe('already-staged');
    expect(await states(getStore)).toEqual([`encryption:active:${active}`, 'encryption:staged:N', `signing:active:${active}`, 'signing:staged:N']);
    expect((await getStore().spKeys.list()).filter((k) => k.state === 'staged').every((k) => k.activatedAt === null)).toBe(true);
  });

  test('When the staged pair is activated, then it becomes active (with its time) and the old one previous; nothing is left to activate', async () => {
    const active = (await getStore().spKeys.list()).find((k) => k.state === 'active')!.certPem.split(' ')[1];
    const now = new Date().toISOString();
    expect(await getStore().spKeys.activate(now)).toBe('activated');
    expect(await states(getStore)).toEqual(['encryption:active:N', `encryption:previous:${active}`, 'signing:active:N', `signing:previous:${active}`]);
    expect((await getStore().spKeys.list()).filter((k) => k.state === 'active').every((k) => k.activatedAt === now)).toBe(true);
    expect(await getStore().spKeys.activate(now)).toBe('nothing-staged');
  });

  test('When a previous pair is not retired yet, then staging another is refused; after retiring it the next stage works', async () => {
    expect(await getStore().spKeys.stage(pair('X'))).toBe('previous-not-retired');
    expect(await getStore().spKeys.retire()).toBe('retired');
    expect(await getStore().spKeys.retire()).toBe('nothing-to-retire');
    expect(await states(getStore)).toEqual(['encryption:active:N', 'signing:active:N']);
    expect(await getStore().spKeys.stage(pair('Y'))).toBe('staged');
    expect(await getStore().spKeys.activate(new Date().toISOString())).toBe('activated');
    expect(await getStore().spKeys.retire()).toBe('retired');
    expect(await states(getStore)).toEqual(['encryption:active:Y', 'signing:active:Y']);
  });

  test('When a key is re-sealed, then only a caller who read the current value replaces it', async () => {
    const k = (await getStore().spKeys.list())[0]!;
    expect(await getStore().spKeys.reseal(k.id, 'stale', 'gcm1.new')).toBe(false);
    expect(await getStore().spKeys.reseal(k.id, k.sealedPrivateKey, 'gcm1.new')).toBe(true);
    expect((await getStore().spKeys.list()).find((x) => x.id === k.id)!.sealedPrivateKey).toBe('gcm1.new');
  });
}

export function instanceSecretsContract(getStore: GetStore): void {
  test('When two instances create the same secret at once, then both read the first writer\'s value', async () => {
    const name = `csrf-${randomUUID()}`;
    const at = new Date().toISOString();
    const [a, b] = await Promise.all([
      getStore().secrets.getOrCreate({ name, sealedValue: 'plain1.first', createdAt: at }),
      getStore().secrets.getOrCreate({ name, sealedValue: 'plain1.second', createdAt: at }),
    ]);
    expect(a.sealedValue).toBe(b.sealedValue);
    expect((await getStore().secrets.getOrCreate({ name, sealedValue: 'plain1.third', createdAt: at })).sealedValue).toBe(a.sealedValue);
    expect((await getStore().secrets.list()).filter((s) => s.name === name)).toEqual([{ name, sealedValue: a.sealedValue, createdAt: at }]);
  });

  test('When a secret is re-sealed, then only a caller who read the current value replaces it', async () => {
    const name = `s-${randomUUID()}`;
    await getStore().secrets.getOrCreate({ name, sealedValue: 'plain1.v', createdAt: new Date().toISOString() });
    expect(await getStore().secrets.reseal(name, 'plain1.other', 'gcm1.x')).toBe(false);
    expect(await getStore().secrets.reseal(name, 'plain1.v', 'gcm1.x')).toBe(true);
    expect((await getStore().secrets.list()).find((s) => s.name === name)!.sealedValue).toBe('gcm1.x');
  });
}
