/**
 * MongoDB's counterpart of SQLite migration 007_scim_profile, run at start before the indexes are
 * ensured: user documents written before the directory profile get `strictExternalId` (their
 * externalId: every such user is a strict user), and the old unique (teamId, externalId) index is
 * dropped — directory users may share an externalId, and its key pattern now belongs to a plain
 * lookup index (MongoDB refuses two indexes with one key pattern). Both steps are idempotent.
 */
import type { Models } from './models';

/** MongoDB's IndexNotFound / NamespaceNotFound: already dropped, or a fresh database. */
const ALREADY_GONE = new Set([26, 27]);

export async function upgradeForScimProfiles(models: Models): Promise<void> {
  await models.User.collection.updateMany({ strictExternalId: { $exists: false } }, [
    { $set: { strictExternalId: { $cond: [{ $eq: [{ $ifNull: ['$userName', null] }, null] }, '$externalId', null] } } },
  ]);
  try {
    await models.User.collection.dropIndex('users_team_external_id_unique');
  } catch (e) {
    if (!ALREADY_GONE.has((e as { code?: number }).code ?? -1)) throw e;
  }
}
