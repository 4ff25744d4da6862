/** Migration 001_core: teams, users (+ searchable emails), SCIM tokens, sessions, audit and provisioning logs. */
export const CORE_SCHEMA = `
CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  group_managed_roles INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id),
  handle TEXT NOT NULL,
  email TEXT,
  email_lower TEXT, -- lower-cased copy: email uniqueness and sign-in ignore case
  display_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'pending')),
  managed_by TEXT NOT NULL CHECK (managed_by IN ('scim', 'sso', 'manual')),
  external_id TEXT,
  password_hash TEXT,
  idp_id TEXT,
  name_id TEXT,
  scim TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(scim)),
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- userName is caseExact=false in SCIM: "Ada" and "ada" are the same handle.
CREATE UNIQUE INDEX users_handle_unique ON users (handle COLLATE NOCASE);
CREATE UNIQUE INDEX users_email_unique ON users (email_lower);
CREATE UNIQUE INDEX users_team_external_id_unique ON users (team_id, external_id);
CREATE INDEX users_team_handle ON users (team_id, handle COLLATE NOCASE);
CREATE INDEX users_team_display_name ON users (team_id, display_name COLLATE NOCASE);
CREATE INDEX users_team_status ON users (team_id, status);
CREATE INDEX users_team_updated_at ON users (team_id, updated_at);
CREATE INDEX users_team_created_at ON users (team_id, created_at, id);
CREATE INDEX users_team_idp_name_id ON users (team_id, idp_id, name_id);

-- A copy of users.scim.emails, rewritten on every user write, so email filters use an index.
CREATE TABLE user_emails (
  user_id TEXT NOT NULL REFERENCES users(id),
  team_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  value TEXT,
  value_lower TEXT,
  type TEXT,
  "primary" INTEGER NOT NULL DEFAULT 0,
  display TEXT,
  PRIMARY KEY (user_id, position)
);
CREATE INDEX user_emails_team_value ON user_emails (team_id, value_lower);

CREATE TABLE scim_tokens (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id),
  secret_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  idp_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX scim_tokens_team ON scim_tokens (team_id, created_at);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('access', 'session')),
  user_id TEXT NOT NULL REFERENCES users(id),
  team_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- No foreign keys: the audit trail outlives the users and tokens it names.
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  team_id TEXT,
  at TEXT NOT NULL,
  actor_type TEXT NOT NULL,
  actor_id TEXT,
  actor_name TEXT,
  action TEXT NOT NULL,
  target_type TEXT,
  target_id TEXT,
  details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
);
CREATE INDEX audit_log_team_at ON audit_log (team_id, at, id);
CREATE INDEX audit_log_team_actor_at ON audit_log (team_id, actor_id, at, id);
CREATE INDEX audit_log_team_action_at ON audit_log (team_id, action, at, id);

CREATE TABLE provisioning_log (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL,
  at TEXT NOT NULL,
  token_id TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  scim_type TEXT,
  detail TEXT,
  duration_ms REAL NOT NULL
);
CREATE INDEX provisioning_log_team_at ON provisioning_log (team_id, at, id);
`;
