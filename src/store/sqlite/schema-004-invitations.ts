/**
 * Migration 004_invitations: email invitations of pending users (email/password teams).
 * Only the SHA-256 of the link's secret is stored. Rows hang off users (foreign key, deleted with
 * the user through USER_DEPENDENT_TABLES), so deleting a user kills its link.
 */
export const INVITATIONS_SCHEMA = `
CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  email TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  accepted_at TEXT,
  voided_at TEXT,
  last_send_error TEXT
);
CREATE INDEX invitations_user_created ON invitations (user_id, created_at);
`;
