/**
 * Runs in a child process (node -e "require('tsx/cjs'); require(this file)") so tests can kill it
 * or race it against other processes on one SQLite file. Mode and inputs come from the environment.
 */
import { randomUUID } from 'node:crypto';
import { openStore } from '../../src/store/open';
import type { Store } from '../../src/store/port';
import { newUser } from './store-fixtures';

const env = process.env;

/** All racing children start at the same wall-clock moment. */
async function waitForStart(): Promise<void> {
  const startAt = Number(env.START_AT ?? 0);
  while (Date.now() < startAt) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Creates users forever, printing each id only after its write was acknowledged. */
async function writeUntilKilled(store: Store): Promise<never> {
  for (;;) {
    const user = await store.users.create(newUser(env.TEAM_ID!));
    process.stdout.write(`${user.id}\n`); // synchronous for pipes on Linux: printed ⇒ acknowledged
  }
}

async function createTokens(store: Store): Promise<void> {
  const outcomes: string[] = [];
  for (let i = 0; i < Number(env.TOKENS); i++) {
    const token = { id: randomUUID(), teamId: env.TEAM_ID!, secretHash: randomUUID(), name: 'race', description: '', idpId: null, createdAt: new Date().toISOString() };
    outcomes.push(await store.scimTokens.createWithinLimit(token, Number(env.MAX)));
  }
  process.stdout.write(JSON.stringify(outcomes));
}

async function main(): Promise<void> {
  await waitForStart();
  const store = await openStore({ dataDir: env.DATA_DIR!, durability: env.DURABILITY === 'full' ? 'full' : 'normal' });
  if (env.STORE_CHILD_MODE === 'write-until-killed') await writeUntilKilled(store);
  if (env.STORE_CHILD_MODE === 'create-tokens') await createTokens(store);
  if (env.STORE_CHILD_MODE === 'open') process.stdout.write('opened');
  await store.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
