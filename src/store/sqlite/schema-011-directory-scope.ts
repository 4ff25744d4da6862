/**
 * Migration 011_directory_scope (issue 14, item 10, and a leftover of issue 15).
 *
 * 1. SCIM sees only the users the directory may own (every managed_by but 'manual'). The adapter
 *    counts them as "the team's users minus its password accounts"; the second count reads this
 *    partial index of the few password accounts (users.ts OUTSIDE_DIRECTORY_COUNT), so SCIM's count
 *    costs what it did, and a SCIM user's insert writes no extra index entry.
 * 2. Migration 006's subject triggers treated every externalId as a SAML subject. Under the directory
 *    profile (user_name_key set) externalId is opaque and may repeat, and the subject is the userName:
 *    a directory user's externalId equal to another user's bound NameID was refused. Only a strict
 *    user's externalId (user_name_key IS NULL) is a subject now; the bound NameID always is.
 *    user_name_key joins the watched columns: a user switching rules changes what its externalId means.
 */
const holdsSubject = `
  (NEW.external_id IS NOT NULL AND NEW.user_name_key IS NULL AND EXISTS (
     SELECT 1 FROM users u WHERE u.team_id = NEW.team_id AND u.name_id = NEW.external_id AND u.id <> NEW.id
       AND (NEW.idp_id IS NULL OR u.idp_id = NEW.idp_id)))
  OR (NEW.name_id IS NOT NULL AND EXISTS (
     SELECT 1 FROM users u WHERE u.team_id = NEW.team_id AND u.external_id = NEW.name_id AND u.user_name_key IS NULL AND u.id <> NEW.id
       AND (u.idp_id IS NULL OR u.idp_id = NEW.idp_id)))`;

export const DIRECTORY_SCOPE_011 = `
CREATE INDEX users_team_manual ON users (team_id) WHERE managed_by = 'manual';
DROP TRIGGER users_subject_unique_insert;
DROP TRIGGER users_subject_unique_update;
CREATE TRIGGER users_subject_unique_insert BEFORE INSERT ON users
WHEN NEW.external_id IS NOT NULL OR NEW.name_id IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'subject constraint failed: users.subject') WHERE ${holdsSubject};
END;
CREATE TRIGGER users_subject_unique_update BEFORE UPDATE OF external_id, name_id, idp_id, user_name_key ON users
WHEN NEW.external_id IS NOT NULL OR NEW.name_id IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'subject constraint failed: users.subject') WHERE ${holdsSubject};
END;
`;
