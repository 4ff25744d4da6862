import { UniqueConstraintError, type IdentityProvider, type IdentityProviderRepo, type IdpDeletion } from '../port';
import type { Db } from './database';
import { mapUniqueViolation } from './errors';
import { USER_DEPENDENT_TABLES } from './users';

interface IdpRow {
  id: string;
  team_id: string;
  handle: string | null;
  entity_id: string;
  metadata_xml: string;
  metadata_url: string | null;
  signing_certs: string;
  sso_post_url: string | null;
  sso_redirect_url: string | null;
  replaces_id: string | null;
  replaced_by_id: string | null;
  allow_idp_initiated: number;
  require_encrypted_assertions: number;
  metadata_refreshed_at: string | null;
  metadata_refresh_error: string | null;
  created_at: string;
  updated_at: string;
}

function rowToIdp(row: IdpRow): IdentityProvider {
  return {
    id: row.id,
    teamId: row.team_id,
    handle: row.handle,
    entityId: row.entity_id,
    metadataXml: row.metadata_xml,
    metadataUrl: row.metadata_url,
    signingCerts: JSON.parse(row.signing_certs) as string[],
    ssoPostUrl: row.sso_post_url,
    ssoRedirectUrl: row.sso_redirect_url,
    replacesId: row.replaces_id,
    replacedById: row.replaced_by_id,
    allowIdpInitiated: row.allow_idp_initiated === 1,
    requireEncryptedAssertions: row.require_encrypted_assertions === 1,
    metadataRefreshedAt: row.metadata_refreshed_at,
    metadataRefreshError: row.metadata_refresh_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function params(idp: IdentityProvider) {
  return {
    id: idp.id,
    team_id: idp.teamId,
    handle: idp.handle,
    entity_id: idp.entityId,
    metadata_xml: idp.metadataXml,
    metadata_url: idp.metadataUrl,
    signing_certs: JSON.stringify(idp.signingCerts),
    sso_post_url: idp.ssoPostUrl,
    sso_redirect_url: idp.ssoRedirectUrl,
    replaces_id: idp.replacesId,
    allow_idp_initiated: idp.allowIdpInitiated ? 1 : 0,
    require_encrypted_assertions: idp.requireEncryptedAssertions ? 1 : 0,
    metadata_refreshed_at: idp.metadataRefreshedAt,
    metadata_refresh_error: idp.metadataRefreshError,
    created_at: idp.createdAt,
    updated_at: idp.updatedAt,
  };
}

export class SqliteIdentityProviderRepo implements IdentityProviderRepo {
  private readonly statements;
  private readonly createTx;
  private readonly deleteTx;

  constructor(db: Db) {
    this.statements = {
      insert: db.prepare(`INSERT INTO identity_providers (id, team_id, handle, entity_id, metadata_xml, metadata_url, signing_certs,
        sso_post_url, sso_redirect_url, replaces_id, replaced_by_id, allow_idp_initiated, require_encrypted_assertions, metadata_refreshed_at, metadata_refresh_error, created_at, updated_at)
        VALUES (@id, @team_id, @handle, @entity_id, @metadata_xml, @metadata_url, @signing_certs, @sso_post_url, @sso_redirect_url,
        @replaces_id, NULL, @allow_idp_initiated, @require_encrypted_assertions, @metadata_refreshed_at, @metadata_refresh_error, @created_at, @updated_at) RETURNING *`),
      update: db.prepare(`UPDATE identity_providers SET handle = @handle, entity_id = @entity_id, metadata_xml = @metadata_xml,
        metadata_url = @metadata_url, signing_certs = @signing_certs, sso_post_url = @sso_post_url, sso_redirect_url = @sso_redirect_url,
        allow_idp_initiated = @allow_idp_initiated, require_encrypted_assertions = @require_encrypted_assertions, metadata_refreshed_at = @metadata_refreshed_at,
        metadata_refresh_error = @metadata_refresh_error, updated_at = @updated_at
        WHERE id = @id AND team_id = @team_id RETURNING *`),
      markReplaced: db.prepare('UPDATE identity_providers SET replaced_by_id = ? WHERE id = ? AND team_id = ? AND replaced_by_id IS NULL'),
      get: db.prepare('SELECT * FROM identity_providers WHERE team_id = ? AND id = ?'),
      getAnyTeam: db.prepare('SELECT * FROM identity_providers WHERE id = ?'),
      // Unreplaced first (it holds the unique claim), then replaced ones newest first.
      byEntityId: db.prepare(
        'SELECT * FROM identity_providers WHERE team_id = ? AND entity_id = ? ORDER BY replaced_by_id IS NOT NULL, created_at DESC, id DESC LIMIT 1',
      ),
      claimant: db.prepare('SELECT id FROM identity_providers WHERE team_id = ? AND entity_id = ? AND replaced_by_id IS NULL').pluck(),
      list: db.prepare('SELECT * FROM identity_providers WHERE team_id = ? ORDER BY created_at, id'),
      withUrl: db.prepare('SELECT * FROM identity_providers WHERE metadata_url IS NOT NULL ORDER BY created_at, id'),
      countUsers: db.prepare('SELECT count(*) FROM users WHERE team_id = ? AND idp_id = ?').pluck(),
      replacedBy: db.prepare('SELECT * FROM identity_providers WHERE team_id = ? AND replaced_by_id = ?'),
      unreplace: db.prepare('UPDATE identity_providers SET replaced_by_id = NULL WHERE id = ?'),
      deleteDependents: USER_DEPENDENT_TABLES.map((d) =>
        db.prepare(`DELETE FROM ${d.table} WHERE ${d.userColumn} IN (SELECT id FROM users WHERE team_id = ? AND idp_id = ?)`),
      ),
      deleteUsers: db.prepare('DELETE FROM users WHERE team_id = ? AND idp_id = ?'),
      deleteTokens: db.prepare('DELETE FROM scim_tokens WHERE team_id = ? AND idp_id = ? RETURNING id').pluck(),
      deleteRequests: db.prepare('DELETE FROM saml_requests WHERE idp_id = ?'),
      deleteTestRuns: db.prepare('DELETE FROM saml_test_runs WHERE idp_id = ?'),
      delete: db.prepare('DELETE FROM identity_providers WHERE team_id = ? AND id = ?'),
    };
    // The old IdP gives up its entityID before the new one claims it: same entityID rotations work.
    this.createTx = db.transaction((idp: IdentityProvider) => {
      if (idp.replacesId && this.statements.markReplaced.run(idp.id, idp.replacesId, idp.teamId).changes !== 1)
        throw new UniqueConstraintError('replacesId');
      return rowToIdp(this.statements.insert.get(params(idp)) as IdpRow);
    });
    this.deleteTx = db.transaction((teamId: string, id: string, purgeUsers: boolean) => {
      if (!this.statements.get.get(teamId, id)) return { deleted: false, usersRemoved: 0, tokensRemoved: [], refused: false };
      const users = this.statements.countUsers.get(teamId, id) as number;
      if (users > 0 && !purgeUsers) return { deleted: false, usersRemoved: 0, tokensRemoved: [], refused: true };
      for (const statement of this.statements.deleteDependents) statement.run(teamId, id);
      const usersRemoved = this.statements.deleteUsers.run(teamId, id).changes;
      const tokensRemoved = this.statements.deleteTokens.all(teamId, id) as string[];
      this.statements.deleteRequests.run(id);
      this.statements.deleteTestRuns.run(id);
      this.statements.delete.run(teamId, id);
      // Undoing a rotation: the IdP this one replaced claims its entityID again, if no one else does.
      for (const replaced of this.statements.replacedBy.all(teamId, id) as IdpRow[]) {
        if (!this.statements.claimant.get(teamId, replaced.entity_id)) this.statements.unreplace.run(replaced.id);
      }
      return { deleted: true, usersRemoved, tokensRemoved, refused: false };
    });
  }

  async create(idp: IdentityProvider): Promise<IdentityProvider> {
    return mapUniqueViolation(() => this.createTx.immediate(idp));
  }

  async get(teamId: string, id: string): Promise<IdentityProvider | null> {
    return this.one(this.statements.get.get(teamId, id));
  }

  async getAnyTeam(id: string): Promise<IdentityProvider | null> {
    return this.one(this.statements.getAnyTeam.get(id));
  }

  async findByEntityId(teamId: string, entityId: string): Promise<IdentityProvider | null> {
    return this.one(this.statements.byEntityId.get(teamId, entityId));
  }

  async list(teamId: string): Promise<IdentityProvider[]> {
    return (this.statements.list.all(teamId) as IdpRow[]).map(rowToIdp);
  }

  async listWithMetadataUrl(): Promise<IdentityProvider[]> {
    return (this.statements.withUrl.all() as IdpRow[]).map(rowToIdp);
  }

  async update(idp: IdentityProvider): Promise<IdentityProvider | null> {
    return this.one(mapUniqueViolation(() => this.statements.update.get(params(idp))));
  }

  async countUsers(teamId: string, idpId: string): Promise<number> {
    return this.statements.countUsers.get(teamId, idpId) as number;
  }

  async delete(teamId: string, id: string, purgeUsers: boolean): Promise<IdpDeletion> {
    return this.deleteTx.immediate(teamId, id, purgeUsers);
  }

  private one(row: unknown): IdentityProvider | null {
    return row ? rowToIdp(row as IdpRow) : null;
  }
}
