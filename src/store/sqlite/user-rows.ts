import { foldCase } from '../case-fold';
import type { NewUser, User } from '../port';
import { foldUserName } from '../user-attributes';
import { emailRecords } from '../user-attributes';
import type { Db } from './database';

/** A `users` row as better-sqlite3 returns it. */
export interface UserRow {
  id: string;
  team_id: string;
  handle: string;
  user_name: string | null;
  user_name_key: string | null;
  email: string | null;
  email_lower: string | null;
  display_name: string;
  role: User['role'];
  status: User['status'];
  managed_by: User['managedBy'];
  external_id: string | null;
  password_hash: string | null;
  idp_id: string | null;
  name_id: string | null;
  scim: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export function rowToUser(row: UserRow): User {
  return {
    id: row.id,
    teamId: row.team_id,
    handle: row.handle,
    userName: row.user_name,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    status: row.status,
    managedBy: row.managed_by,
    externalId: row.external_id,
    passwordHash: row.password_hash,
    idpId: row.idp_id,
    nameId: row.name_id,
    scim: JSON.parse(row.scim) as User['scim'],
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Named parameters for the mutable columns (and the keys) of an insert or update. */
export function userParams(user: NewUser) {
  return {
    id: user.id,
    team_id: user.teamId,
    handle: user.handle,
    user_name: user.userName ?? null,
    user_name_key: user.userName == null ? null : foldUserName(user.userName),
    email: user.email,
    email_lower: user.email === null ? null : foldCase(user.email),
    display_name: user.displayName,
    role: user.role,
    status: user.status,
    managed_by: user.managedBy,
    external_id: user.externalId,
    password_hash: user.passwordHash,
    idp_id: user.idpId,
    name_id: user.nameId,
    scim: JSON.stringify(user.scim ?? {}),
  };
}

/** True when the stored scim JSON and `scim` have the same email records (user_emails need no rewrite). */
export function sameEmails(storedScim: string, scim: User['scim']): boolean {
  return JSON.stringify(emailRecords(JSON.parse(storedScim) as User['scim'])) === JSON.stringify(emailRecords(scim));
}

/** Keeps user_emails equal to user.scim.emails; call inside the user's write transaction. */
export class UserEmailWriter {
  private readonly clear;
  private readonly insert;

  constructor(db: Db) {
    this.clear = db.prepare('DELETE FROM user_emails WHERE user_id = ?');
    this.insert = db.prepare(
      'INSERT INTO user_emails (user_id, team_id, position, value, value_lower, type, "primary", display) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  replace(userId: string, teamId: string, scim: User['scim']): void {
    this.clear.run(userId);
    for (const e of emailRecords(scim)) {
      this.insert.run(userId, teamId, e.position, e.value, e.value === null ? null : foldCase(e.value), e.type, e.primary ? 1 : 0, e.display);
    }
  }
}
