import { defineApiFuzz } from '../support/security-api-fuzz-suite';

/** test/security/api-fuzz.test.ts at 20× the runs (FUZZ_RUNS overrides). */
describe('API fuzzing outside SCIM (stress)', () => {
  defineApiFuzz(process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 6000);
});
