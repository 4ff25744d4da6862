import { UniqueConstraintError } from '../port';

/** Columns named in SQLite's "UNIQUE constraint failed: …" message → the port's logical field. */
const UNIQUE_FIELDS: Record<string, string> = {
  'users.handle': 'handle',
  'users.email_lower': 'email',
  'users.team_id, users.external_id': 'externalId',
  'users.team_id, users.user_name_key': 'userName',
  "index 'users_team_external_id_unique'": 'externalId',
  'users.id': 'id',
  'teams.id': 'id',
  'scim_tokens.id': 'id',
  'scim_tokens.secret_hash': 'secretHash',
  'sessions.token_hash': 'tokenHash',
  'users.team_id, users.idp_id, users.name_id': 'nameId',
  'identity_providers.id': 'id',
  'identity_providers.team_id, identity_providers.entity_id': 'entityId',
  'identity_providers.team_id, identity_providers.handle': 'handle',
  'saml_requests.id': 'id',
  'saml_test_runs.id': 'id',
  'invitations.id': 'id',
  'invitations.token_hash': 'tokenHash',
};

/** Runs `write`, turning a unique-index violation into UniqueConstraintError(field). */
export function mapUniqueViolation<T>(write: () => T): T {
  try {
    return write();
  } catch (e) {
    throw toUniqueConstraintError(e) ?? e;
  }
}

/**
 * Duck-typed, not `instanceof Error`: the native addon keeps the SqliteError class of the first
 * realm that loaded it, so in another realm (Jest workers, vm contexts) instanceof fails.
 */
export function toUniqueConstraintError(e: unknown): UniqueConstraintError | null {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  // Migration 006's trigger: one SAML subject (externalId / bound NameID) per user of a team.
  if (code === 'SQLITE_CONSTRAINT_TRIGGER' && String(message) === 'subject constraint failed: users.subject') return new UniqueConstraintError('subject');
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return null;
  const columns = String(message).replace(/^UNIQUE constraint failed: /, '');
  return new UniqueConstraintError(Object.hasOwn(UNIQUE_FIELDS, columns) ? UNIQUE_FIELDS[columns]! : columns);
}
