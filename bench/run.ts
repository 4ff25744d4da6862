/** `npm run bench`: every benchmark in turn (`npm run bench -- saml-acs` runs only the ones named). */
import { benchSamlAcs } from './saml-acs';
import { runGroupsBench } from './scim-groups';
import { benchScimProfiles, benchScimUsers } from './scim-users';

const BENCHES: Record<string, () => Promise<unknown>> = {
  'saml-acs': () => benchSamlAcs(),
  // Every SCIM profile in BENCH_SCIM_PROFILES (default both): the ratios must hold in each.
  'scim-users': async () => {
    for (const profile of benchScimProfiles()) await benchScimUsers(profile);
  },
  'scim-groups': () => runGroupsBench(),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const [name, run] of Object.entries(BENCHES)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    process.stdout.write(`\n# ${name}\n`);
    await run();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
