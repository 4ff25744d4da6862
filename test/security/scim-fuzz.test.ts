import { defineScimFuzz } from '../support/security-fuzz-suite';
import { fuzzRuns } from '../support/security-fuzz';
import { USERS_MOUNTED, describeIf } from '../support/security-features';

/**
 * SCIM fuzzing against the running server (fast-check, ~100 runs a property here; thousands in
 * `npm run test:stress`): arbitrary bodies, filters, PATCH ops and paths, ids and headers must
 * never produce a 5xx, every 4xx must be an RFC 7644 error with a detail, and every refused
 * request must leave the team's users and groups exactly as they were (store dump compared).
 */
describeIf(USERS_MOUNTED)('SCIM fuzzing (quick)', () => {
  defineScimFuzz(fuzzRuns);
});
