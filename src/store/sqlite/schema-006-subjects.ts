/**
 * Migration 006_subjects: one SAML subject, one user (and no tokens of deleted IdPs, below). Within a team, a value that is one user's
 * SCIM externalId must not be another user's bound NameID at an IdP that could sign the first one
 * in (the IdP the first is reserved for, or any IdP when it is reserved for none). The unique
 * indexes cover externalId–externalId and (IdP, NameID)–(IdP, NameID); these triggers cover the
 * cross pair, so a directory POST can never make a twin of a just-in-time user (issue 14).
 * RAISE(ABORT) rolls back the statement; the adapter maps the message to UniqueConstraintError('subject').
 */
const holdsSubject = (row: 'NEW') => `
  (${row}.external_id IS NOT NULL AND EXISTS (
     SELECT 1 FROM users u WHERE u.team_id = ${row}.team_id AND u.name_id = ${row}.external_id AND u.id <> ${row}.id
       AND (${row}.idp_id IS NULL OR u.idp_id = ${row}.idp_id)))
  OR (${row}.name_id IS NOT NULL AND EXISTS (
     SELECT 1 FROM users u WHERE u.team_id = ${row}.team_id AND u.external_id = ${row}.name_id AND u.id <> ${row}.id
       AND (u.idp_id IS NULL OR u.idp_id = ${row}.idp_id)))`;

export const SUBJECTS_006 = `
-- Tokens left bound to an IdP deleted before IdP deletion took its tokens along (issue 14): they
-- could only create users reserved for an IdP that no longer exists.
DELETE FROM scim_tokens WHERE idp_id IS NOT NULL AND idp_id NOT IN (SELECT id FROM identity_providers);
CREATE INDEX users_team_name_id ON users (team_id, name_id) WHERE name_id IS NOT NULL;
CREATE TRIGGER users_subject_unique_insert BEFORE INSERT ON users
WHEN NEW.external_id IS NOT NULL OR NEW.name_id IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'subject constraint failed: users.subject') WHERE ${holdsSubject('NEW')};
END;
CREATE TRIGGER users_subject_unique_update BEFORE UPDATE OF external_id, name_id, idp_id ON users
WHEN NEW.external_id IS NOT NULL OR NEW.name_id IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'subject constraint failed: users.subject') WHERE ${holdsSubject('NEW')};
END;
`;
