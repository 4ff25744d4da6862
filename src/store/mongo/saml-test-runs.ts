import type { SamlTestRun, SamlTestRunRepo, Timestamp } from '../port';
import { mapUniqueViolation } from './errors';
import type { Models } from './models';
import type { SamlTestRunDoc } from './saml-models';

function docToRun(doc: SamlTestRunDoc): SamlTestRun {
  return {
    id: doc._id,
    teamId: doc.teamId,
    idpId: doc.idpId,
    createdBy: doc.createdBy,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    completedAt: doc.completedAt,
    report: doc.reportJson === null ? null : (JSON.parse(doc.reportJson) as Record<string, unknown>),
  };
}

export class MongoSamlTestRunRepo implements SamlTestRunRepo {
  constructor(private readonly models: Models) {}

  async create(run: SamlTestRun): Promise<void> {
    const doc: SamlTestRunDoc = {
      _id: run.id,
      teamId: run.teamId,
      idpId: run.idpId,
      createdBy: run.createdBy,
      createdAt: run.createdAt,
      expiresAt: run.expiresAt,
      completedAt: run.completedAt,
      reportJson: run.report === null ? null : JSON.stringify(run.report),
    };
    await mapUniqueViolation(() => this.models.SamlTestRun.insertOne(doc));
  }

  async get(teamId: string, id: string): Promise<SamlTestRun | null> {
    const doc = await this.models.SamlTestRun.findOne({ _id: id, teamId }).lean<SamlTestRunDoc>();
    return doc ? docToRun(doc) : null;
  }

  async getAnyTeam(id: string): Promise<SamlTestRun | null> {
    const doc = await this.models.SamlTestRun.findOne({ _id: id }).lean<SamlTestRunDoc>();
    return doc ? docToRun(doc) : null;
  }

  async complete(id: string, report: Record<string, unknown>, now: Timestamp): Promise<boolean> {
    const result = await this.models.SamlTestRun.updateOne({ _id: id, completedAt: null }, { $set: { completedAt: now, reportJson: JSON.stringify(report) } });
    return result.modifiedCount === 1;
  }

  async deleteExpired(before: Timestamp): Promise<number> {
    return (await this.models.SamlTestRun.deleteMany({ expiresAt: { $lt: before } })).deletedCount;
  }
}
