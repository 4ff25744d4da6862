import type { NewUser, Team, TeamRepo, User } from '../port';
import type { Db } from './database';
import { mapUniqueViolation } from './errors';
import type { SqliteUserRepo } from './users';

interface TeamRow {
  id: string;
  name: string;
  created_at: string;
  group_managed_roles: number;
  validate_saml_emails: number;
  scim_profile: 'strict' | 'directory';
}

function rowToTeam(row: TeamRow): Team {
  return { id: row.id, name: row.name, createdAt: row.created_at, groupManagedRoles: row.group_managed_roles === 1, validateSamlEmails: row.validate_saml_emails === 1, scimProfile: row.scim_profile };
}

export class SqliteTeamRepo implements TeamRepo {
  private readonly statements;
  private readonly createWithOwnerTx;

  constructor(db: Db, users: SqliteUserRepo) {
    this.statements = {
      insert: db.prepare('INSERT INTO teams (id, name, created_at, group_managed_roles, validate_saml_emails, scim_profile) VALUES (?, ?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM teams WHERE id = ?'),
      list: db.prepare('SELECT * FROM teams ORDER BY created_at, id'),
      update: db.prepare('UPDATE teams SET name = ?, group_managed_roles = ?, validate_saml_emails = ?, scim_profile = ? WHERE id = ?'),
    };
    // Both rows or neither: a duplicate owner email must not leave an ownerless team behind.
    this.createWithOwnerTx = db.transaction((team: Team, owner: NewUser) => {
      this.insertNow(team);
      return { team, owner: users.insertNow({ ...owner, teamId: team.id }) };
    });
  }

  async create(team: Team): Promise<Team> {
    mapUniqueViolation(() => this.insertNow(team));
    return team;
  }

  async createWithOwner(team: Team, owner: NewUser): Promise<{ team: Team; owner: User }> {
    return mapUniqueViolation(() => this.createWithOwnerTx.immediate(team, owner));
  }

  async get(id: string): Promise<Team | null> {
    const row = this.statements.get.get(id) as TeamRow | undefined;
    return row ? rowToTeam(row) : null;
  }

  async list(): Promise<Team[]> {
    return (this.statements.list.all() as TeamRow[]).map(rowToTeam);
  }

  async update(team: Team): Promise<Team> {
    const result = this.statements.update.run(team.name, team.groupManagedRoles ? 1 : 0, team.validateSamlEmails ? 1 : 0, team.scimProfile ?? 'strict', team.id);
    if (result.changes === 0) throw new Error(`team ${team.id} does not exist`);
    return team;
  }

  private insertNow(team: Team): void {
    this.statements.insert.run(team.id, team.name, team.createdAt, team.groupManagedRoles ? 1 : 0, team.validateSamlEmails ? 1 : 0, team.scimProfile ?? 'strict');
  }
}
