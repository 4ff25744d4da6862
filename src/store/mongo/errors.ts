import { UniqueConstraintError } from '../port';

/** Fields of a duplicate-key error's keyPattern → the port's logical field. */
const UNIQUE_FIELDS: Record<string, string> = {
  handleLower: 'handle',
  emailLower: 'email',
  externalId: 'externalId',
  strictExternalId: 'externalId',
  userNameKey: 'userName',
  secretHash: 'secretHash',
  nameId: 'nameId',
  claimedEntityId: 'entityId',
  handle: 'handle',
  tokenHash: 'tokenHash',
  _id: 'id',
};

/** Duck-typed like the SQLite mapper: driver errors may come from another realm's classes. */
export function toUniqueConstraintError(e: unknown): UniqueConstraintError | null {
  if (!isDuplicateKey(e)) return null;
  const fields = duplicateKeyFields(e);
  // (teamId, externalId): the last key names the field; teamId only scopes it.
  const field = [...fields].reverse().find((f) => Object.hasOwn(UNIQUE_FIELDS, f));
  return new UniqueConstraintError(field ? UNIQUE_FIELDS[field]! : fields.join(',') || 'unknown');
}

export async function mapUniqueViolation<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    throw toUniqueConstraintError(e) ?? e;
  }
}

/**
 * The fields of the unique index a duplicate-key error hit. insertOne/updateOne errors carry
 * `keyPattern` on the error; insertMany/bulkWrite errors only inside `writeErrors[i].err`; a server
 * without either still names the index in the message ("index: groups_team_display_name_unique").
 */
export function duplicateKeyFields(e: unknown): string[] {
  type WithPattern = { keyPattern?: Record<string, unknown>; errmsg?: string; message?: string };
  const error = e as WithPattern & { writeErrors?: Array<WithPattern & { err?: WithPattern }>; errorResponse?: WithPattern };
  const first = error.writeErrors?.[0];
  const pattern = error.keyPattern ?? error.errorResponse?.keyPattern ?? first?.err?.keyPattern ?? first?.keyPattern;
  if (pattern) return Object.keys(pattern);
  const message = first?.err?.errmsg ?? first?.errmsg ?? error.errmsg ?? error.message ?? '';
  const index = /index: (\S+)/.exec(message)?.[1];
  return index ? (INDEX_FIELDS[index] ?? []) : [];
}

/** Unique indexes by name → their fields, for errors that carry only the message. */
const INDEX_FIELDS: Record<string, string[]> = {
  groups_team_display_name_unique: ['teamId', 'displayNameLower'],
  groups_team_external_id_unique: ['teamId', 'externalId'],
  users_handle_unique: ['handleLower'],
  users_email_unique: ['emailLower'],
  users_team_external_id_unique: ['teamId', 'externalId'],
  users_team_idp_name_id_unique: ['teamId', 'idpId', 'nameId'],
};

/** True for a duplicate-key error: an idempotent upsert lost a race and can ignore it. */
export function isDuplicateKey(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const error = e as { code?: unknown; writeErrors?: Array<{ code?: unknown }> };
  return error.code === 11000 || error.writeErrors?.[0]?.code === 11000;
}
