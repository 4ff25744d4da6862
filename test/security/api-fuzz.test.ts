import { defineApiFuzz } from '../support/security-api-fuzz-suite';

/**
 * The non-SCIM surface (sign-in, tokens, identity providers, ACS, SSO start, page forms) with
 * arbitrary bodies, repeated query parameters, ids and content types: never a 5xx, and JSON
 * errors keep their {code,label,message} shape. 300 runs here; `npm run test:stress` runs 6000.
 */
describe('API fuzzing outside SCIM (quick)', () => {
  defineApiFuzz(process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 300);
});
