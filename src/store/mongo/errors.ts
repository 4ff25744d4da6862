import { UniqueConstraintError } from '../port';

/** Fields of a duplicate-key error's keyPattern → the port's logical field. */
const UNIQUE_FIELDS: Record<string, string> = {
  handleLower: 'handle',
  emailLower: 'email',
  externalId: 'externalId',
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
  const fields = Object.keys((e as { keyPattern?: Record<string, unknown> }).keyPattern ?? {});
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

/** True for a duplicate-key error: an idempotent upsert lost a race and can ignore it. */
export function isDuplicateKey(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 11000;
}
