import { defineScimFuzz } from '../support/security-fuzz-suite';
import { USERS_MOUNTED, describeIf } from '../support/security-features';

/** The SCIM fuzzing properties of test/security/scim-fuzz.test.ts, 20× the runs (FUZZ_RUNS overrides). */
describeIf(USERS_MOUNTED)('SCIM fuzzing (stress)', () => {
  defineScimFuzz((quick) => (process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : quick * 20));
});
