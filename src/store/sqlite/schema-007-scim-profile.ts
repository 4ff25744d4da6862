/**
 * Migration 007_scim_profile: the team's SCIM profile, and the directory profile's userName.
 * - teams.scim_profile: 'strict' (every existing team) or 'directory'.
 * - users.user_name / user_name_key: set only for users written under the directory profile (the
 *   userName as sent, and its A–Z-folded key, src/scim/profile.ts foldUserName). Unique per team;
 *   partial, so strict users (NULL) cost no extra index write.
 * - externalId stays unique per team among strict users only: RFC 7643 lets a directory user's
 *   externalId repeat, and a strict user's externalId is its SAML subject. One expression index
 *   does both: a strict row's third key is '' (so (team, externalId) must be unique), a directory
 *   row's is its id (never collides); lookups by (team_id, external_id) still use its prefix, and
 *   an insert still costs one index write, as before.
 */
export const SCIM_PROFILE_007 = `
ALTER TABLE teams ADD COLUMN scim_profile TEXT NOT NULL DEFAULT 'strict' CHECK (scim_profile IN ('strict', 'directory'));
ALTER TABLE users ADD COLUMN user_name TEXT;
ALTER TABLE users ADD COLUMN user_name_key TEXT;
CREATE UNIQUE INDEX users_team_user_name_key_unique ON users (team_id, user_name_key) WHERE user_name_key IS NOT NULL;
DROP INDEX users_team_external_id_unique;
CREATE UNIQUE INDEX users_team_external_id_unique ON users (team_id, external_id, (CASE WHEN user_name_key IS NULL THEN '' ELSE id END));
`;
