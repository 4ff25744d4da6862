/**
 * Migration 009_keys: SP key pairs and instance secrets move from CERTS_DIR into the store, so
 * every instance on one store signs, decrypts and checks CSRF tokens with the same keys; an IdP
 * connection may require encrypted assertions.
 */
export const KEYS_SCHEMA_009 = `
CREATE TABLE sp_keys (
  id TEXT PRIMARY KEY,
  use TEXT NOT NULL CHECK (use IN ('signing', 'encryption')),
  state TEXT NOT NULL CHECK (state IN ('active', 'staged', 'previous')),
  cert_pem TEXT NOT NULL,
  sealed_private_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  activated_at TEXT
);
-- The rollover invariant: at most one key per use in each state.
CREATE UNIQUE INDEX sp_keys_use_state_unique ON sp_keys (use, state);
CREATE TABLE instance_secrets (
  name TEXT PRIMARY KEY,
  sealed_value TEXT NOT NULL,
  created_at TEXT NOT NULL
);
ALTER TABLE identity_providers ADD COLUMN require_encrypted_assertions INTEGER NOT NULL DEFAULT 0;
`;
