/**
 * Migration 002_saml: IdP connections, outstanding AuthnRequests, the assertion replay cache and
 * "test connection" runs; the (team, IdP, NameID) binding of users becomes unique.
 */
export const SAML_SCHEMA = `
CREATE TABLE identity_providers (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id),
  handle TEXT,
  entity_id TEXT NOT NULL,
  metadata_xml TEXT NOT NULL,
  metadata_url TEXT,
  signing_certs TEXT NOT NULL CHECK (json_valid(signing_certs)),
  sso_post_url TEXT,
  sso_redirect_url TEXT,
  replaces_id TEXT,
  replaced_by_id TEXT,
  allow_idp_initiated INTEGER NOT NULL DEFAULT 0,
  metadata_refreshed_at TEXT,
  metadata_refresh_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- A replaced IdP keeps its row (and users) but stops claiming its entityID.
CREATE UNIQUE INDEX identity_providers_team_entity_id_unique ON identity_providers (team_id, entity_id) WHERE replaced_by_id IS NULL;
CREATE UNIQUE INDEX identity_providers_team_handle_unique ON identity_providers (team_id, handle) WHERE handle IS NOT NULL;
CREATE INDEX identity_providers_team_entity_id ON identity_providers (team_id, entity_id, created_at);
CREATE INDEX identity_providers_team_created_at ON identity_providers (team_id, created_at, id);
CREATE INDEX identity_providers_metadata_url ON identity_providers (metadata_url) WHERE metadata_url IS NOT NULL;

-- findByNameId answers from a unique index: two users can never share (team, IdP, NameID).
DROP INDEX users_team_idp_name_id;
CREATE UNIQUE INDEX users_team_idp_name_id_unique ON users (team_id, idp_id, name_id);

CREATE TABLE saml_requests (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL,
  idp_id TEXT NOT NULL,
  success_redirect TEXT,
  error_redirect TEXT,
  test_run_id TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  consumed_at TEXT
);
CREATE INDEX saml_requests_expires_at ON saml_requests (expires_at);
CREATE INDEX saml_requests_idp ON saml_requests (idp_id);

CREATE TABLE saml_replay_cache (
  key TEXT PRIMARY KEY,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX saml_replay_cache_expires_at ON saml_replay_cache (expires_at);

CREATE TABLE saml_test_runs (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL,
  idp_id TEXT NOT NULL,
  created_by TEXT,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  completed_at TEXT,
  report TEXT CHECK (report IS NULL OR json_valid(report))
);
CREATE INDEX saml_test_runs_expires_at ON saml_test_runs (expires_at);
CREATE INDEX saml_test_runs_idp ON saml_test_runs (idp_id);
`;
