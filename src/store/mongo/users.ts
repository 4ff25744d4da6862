import type { ClientSession, Connection } from 'mongoose';
import { DIRECTORY_MANAGED_BY, VersionConflictError, type NewAuditEntry, type NewUser, type Page, type User, type UserQuery, type UserRepo } from '../port';
import { foldCase } from '../case-fold';
import { pageWindow } from '../paging';
import { foldUserName } from '../user-attributes';
import { isoNow } from '../time';
import type { MongoAuditRepo } from './audit';
import { mapUniqueViolation } from './errors';
import { compileUserFilterToMongo, compileUserSortToMongo, SORT_KEY, sortKeyExpression } from './filter-mongo';
import type { UserDoc } from './documents';
import type { Models } from './models';
import { docToUser, mutableUserFields, newUserDoc } from './user-docs';
import { ensureTeamLock, guardSubject, subjectLockId } from './subject-guard';

/**
 * Collections holding documents that hang off a user, deleted with it in one transaction.
 * Later features append theirs here (group memberships, invitations…).
 */
export const USER_DEPENDENT_COLLECTIONS = [
  { model: 'Session', userField: 'userId' },
  { model: 'GroupMember', userField: 'userId' },
  { model: 'Invitation', userField: 'userId' },
] as const satisfies ReadonlyArray<{
  model: keyof Models;
  userField: string;
}>;

/** Deletes what hangs off the given user(s) in every dependent collection; call inside the user delete's transaction. */
export async function deleteUserDependents(models: Models, userIds: string | { $in: string[] }, session: ClientSession): Promise<void> {
  for (const dependent of USER_DEPENDENT_COLLECTIONS) {
    // Each model's typed filter differs; the field name comes from the constant list above.
    const model = models[dependent.model] as unknown as { deleteMany(filter: Record<string, unknown>, options: { session: ClientSession }): Promise<unknown> };
    await model.deleteMany({ [dependent.userField]: userIds }, { session });
  }
}

export class MongoUserRepo implements UserRepo {
  constructor(
    private readonly connection: Connection,
    private readonly models: Models,
    private readonly audit: MongoAuditRepo,
  ) {}

  /** For callers already inside a transaction (teams.createWithOwner). */
  async insertIn(user: NewUser, session: ClientSession | null): Promise<User> {
    const doc = newUserDoc(user, isoNow());
    await this.models.User.insertOne(doc, { session });
    return docToUser(doc);
  }

  async create(user: NewUser, audit: readonly NewAuditEntry[] = []): Promise<User> {
    const subject = user.externalId !== null || user.nameId !== null;
    if (audit.length === 0 && !subject) return mapUniqueViolation(() => this.insertIn(user, null));
    if (subject) await ensureTeamLock(this.models, subjectLockId(user.teamId));
    return mapUniqueViolation(() =>
      this.connection.transaction(async (session) => {
        await guardSubject(this.models, user, session);
        const created = await this.insertIn(user, session);
        await this.appendAudit(audit, session);
        return created;
      }),
    );
  }

  /**
   * Count-then-insert in one transaction that also bumps the team's token lock document, which
   * tokens.createWithinLimit bumps too: a concurrent token creation and signup conflict, and the
   * one retried after the other commits sees it (no signup lands after a token).
   */
  async createUnlessTeamHasScimTokens(user: NewUser, audit: readonly NewAuditEntry[] = []): Promise<User | null> {
    const lockId = `scim-tokens:${user.teamId}`;
    await ensureTeamLock(this.models, lockId);
    if (user.externalId !== null || user.nameId !== null) await ensureTeamLock(this.models, subjectLockId(user.teamId));
    return mapUniqueViolation(() =>
      this.connection.transaction(async (session) => {
        await this.models.Lock.updateOne({ _id: lockId }, { $inc: { seq: 1 } }, { session });
        if (await this.models.ScimToken.exists({ teamId: user.teamId }).session(session)) return null;
        await guardSubject(this.models, user, session);
        const created = await this.insertIn(user, session);
        await this.appendAudit(audit, session);
        return created;
      }),
    );
  }

  private async appendAudit(entries: readonly NewAuditEntry[], session: ClientSession): Promise<void> {
    for (const entry of entries) await this.audit.insertIn(entry, session);
  }

  async get(teamId: string, id: string): Promise<User | null> {
    return this.one({ _id: id, teamId });
  }

  async getAnyTeam(id: string): Promise<User | null> {
    return this.one({ _id: id });
  }

  async findByEmail(email: string): Promise<User | null> {
    return this.one({ emailLower: foldCase(email) });
  }

  async findByHandle(handle: string): Promise<User | null> {
    return this.one({ handleLower: foldCase(handle) });
  }

  async findByExternalId(teamId: string, externalId: string): Promise<User | null> {
    // A strict user first: its externalId is unique and is a SAML subject.
    return (await this.one({ teamId, strictExternalId: externalId })) ?? this.one({ teamId, externalId });
  }

  async findByUserName(teamId: string, userName: string): Promise<User | null> {
    return this.one({ teamId, userNameKey: foldUserName(userName) });
  }

  async findByNameId(teamId: string, idpId: string, nameId: string): Promise<User | null> {
    return this.one({ teamId, idpId, nameId });
  }

  async list(teamId: string, query: UserQuery): Promise<Page<User>> {
    const teamFilter = query.filter ? { $and: [{ teamId }, compileUserFilterToMongo(query.filter)] } : { teamId };
    const directory = query.scope === 'directory';
    // 'directory' (as in SQLite): the page skips password accounts while walking the sort's index; the count is
    // the team's count minus the password accounts that match, read through the small partial index users_team_manual.
    const filter = directory ? { $and: [teamFilter, { managedBy: { $in: [...DIRECTORY_MANAGED_BY] } }] } : teamFilter;
    const { offset, limit } = pageWindow(query.startIndex, query.count);
    // The driver, not mongoose: a compiled filter is already typed, and mongoose would cast it per schema
    // path (emails.primary pr → a regex cast to Boolean → CastError).
    let total = await this.models.User.collection.countDocuments(teamFilter);
    if (directory) total -= await this.models.User.collection.countDocuments({ $and: [teamFilter, { managedBy: 'manual' }] });
    if (limit === 0 || offset >= total) return { total, items: [] };
    const sort = compileUserSortToMongo(query);
    const sortKey = sortKeyExpression(query.sortBy);
    const docs = (
      sortKey
        ? await this.models.User.collection.aggregate([{ $match: filter }, { $addFields: { [SORT_KEY]: sortKey } }, { $sort: sort }, { $skip: offset }, { $limit: limit }, { $project: { [SORT_KEY]: 0 } }]).toArray()
        : await this.models.User.collection.find(filter).sort(sort).skip(offset).limit(limit).toArray()
    ) as unknown as UserDoc[];
    return { total, items: docs.map(docToUser) };
  }

  async countByTeam(teamId: string): Promise<number> {
    return this.models.User.countDocuments({ teamId });
  }

  async update(user: User, expectedVersion: number, audit: readonly NewAuditEntry[] = []): Promise<User | null> {
    if (user.externalId !== null || user.nameId !== null) await ensureTeamLock(this.models, subjectLockId(user.teamId));
    return mapUniqueViolation(() =>
      this.connection.transaction(async (session) => {
        // Only a changed subject takes the team's subject lock: ordinary PATCHes must not serialize.
        const before = await this.models.User.findOne({ _id: user.id, teamId: user.teamId }, { externalId: 1, idpId: 1, nameId: 1, userName: 1 })
          .session(session)
          .lean<Pick<UserDoc, 'externalId' | 'idpId' | 'nameId' | 'userName'>>();
        const subjectChanged = before && (before.externalId !== user.externalId || before.idpId !== user.idpId || before.nameId !== user.nameId || (before.userName == null) !== (user.userName == null));
        if (subjectChanged) await guardSubject(this.models, user, session);
        const doc = await this.models.User.findOneAndUpdate(
          { _id: user.id, teamId: user.teamId, version: expectedVersion },
          { $set: { ...mutableUserFields(user), updatedAt: isoNow() }, $inc: { version: 1 } },
          { session, returnDocument: 'after' },
        ).lean<UserDoc>();
        if (!doc) {
          if (!(await this.models.User.exists({ _id: user.id, teamId: user.teamId }).session(session))) return null;
          throw new VersionConflictError();
        }
        // A suspended or pending user must not keep signed-in sessions.
        if (doc.status !== 'active') await this.models.Session.deleteMany({ userId: doc._id }, { session });
        await this.appendAudit(audit, session);
        return docToUser(doc);
      }),
    );
  }

  async delete(teamId: string, id: string, audit: readonly NewAuditEntry[] = []): Promise<boolean> {
    return this.connection.transaction(async (session) => {
      if (!(await this.models.User.exists({ _id: id, teamId }).session(session))) return false;
      await deleteUserDependents(this.models, id, session);
      await this.models.User.deleteOne({ _id: id }, { session });
      await this.appendAudit(audit, session);
      return true;
    });
  }

  private async one(filter: Record<string, string>): Promise<User | null> {
    const doc = await this.models.User.findOne(filter).lean<UserDoc>();
    return doc ? docToUser(doc) : null;
  }
}
