/** `npm run bench`: every benchmark in turn, each printing its own table. */
import { runGroupsBench } from './scim-groups';

async function main(): Promise<void> {
  await runGroupsBench();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
