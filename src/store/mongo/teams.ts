import type { Connection } from 'mongoose';
import type { NewUser, Team, TeamRepo, User } from '../port';
import { mapUniqueViolation } from './errors';
import type { TeamDoc } from './documents';
import type { Models } from './models';
import type { MongoUserRepo } from './users';

function docToTeam(doc: TeamDoc): Team {
  return { id: doc._id, name: doc.name, createdAt: doc.createdAt, groupManagedRoles: doc.groupManagedRoles, validateSamlEmails: doc.validateSamlEmails === true, scimProfile: doc.scimProfile ?? 'strict' };
}

function teamDoc(team: Team): TeamDoc {
  return { _id: team.id, name: team.name, createdAt: team.createdAt, groupManagedRoles: team.groupManagedRoles, validateSamlEmails: team.validateSamlEmails, scimProfile: team.scimProfile ?? 'strict' };
}

export class MongoTeamRepo implements TeamRepo {
  constructor(
    private readonly connection: Connection,
    private readonly models: Models,
    private readonly users: MongoUserRepo,
  ) {}

  async create(team: Team): Promise<Team> {
    await mapUniqueViolation(() => this.models.Team.insertOne(teamDoc(team)));
    return team;
  }

  /** Both documents or neither: a duplicate owner email must not leave an ownerless team behind. */
  async createWithOwner(team: Team, owner: NewUser): Promise<{ team: Team; owner: User }> {
    return mapUniqueViolation(() =>
      this.connection.transaction(async (session) => {
        await this.models.Team.insertOne(teamDoc(team), { session });
        return { team, owner: await this.users.insertIn({ ...owner, teamId: team.id }, session) };
      }),
    );
  }

  async get(id: string): Promise<Team | null> {
    const doc = await this.models.Team.findById(id).lean<TeamDoc>();
    return doc ? docToTeam(doc) : null;
  }

  async list(): Promise<Team[]> {
    return (await this.models.Team.find().sort({ createdAt: 1, _id: 1 }).lean<TeamDoc[]>()).map(docToTeam);
  }

  async update(team: Team): Promise<Team> {
    const result = await this.models.Team.updateOne({ _id: team.id }, { $set: { name: team.name, groupManagedRoles: team.groupManagedRoles, validateSamlEmails: team.validateSamlEmails, scimProfile: team.scimProfile ?? 'strict' } });
    if (result.matchedCount === 0) throw new Error(`team ${team.id} does not exist`);
    return team;
  }
}
