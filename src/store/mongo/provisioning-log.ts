import { timeOrderedId } from '../ids';
import { nonNegativeInt } from '../paging';
import type { ProvisioningLogEntry, ProvisioningLogRepo } from '../port';
import type { ProvisioningLogDoc } from './documents';
import type { Models } from './models';

/** Field by field, not {_id, ...entry}: a caller's extra property must not reach a strict: 'throw' schema. */
export function provisioningLogDoc(e: Omit<ProvisioningLogEntry, 'id'>): ProvisioningLogDoc {
  return { _id: timeOrderedId(), teamId: e.teamId, at: e.at, tokenId: e.tokenId, method: e.method, path: e.path, status: e.status, scimType: e.scimType, detail: e.detail, durationMs: e.durationMs };
}

export class MongoProvisioningLogRepo implements ProvisioningLogRepo {
  constructor(private readonly models: Models) {}

  async append(entry: Omit<ProvisioningLogEntry, 'id'>): Promise<void> {
    await this.models.ProvisioningLog.insertOne(provisioningLogDoc(entry));
  }

  async appendMany(entries: Omit<ProvisioningLogEntry, 'id'>[]): Promise<void> {
    if (entries.length === 0) return;
    await this.models.ProvisioningLog.insertMany(entries.map(provisioningLogDoc), { ordered: false });
  }

  async list(teamId: string, limit: number): Promise<ProvisioningLogEntry[]> {
    const docs = await this.models.ProvisioningLog.find({ teamId }).sort({ at: -1, _id: -1 }).limit(nonNegativeInt(limit)).lean<ProvisioningLogDoc[]>();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }

  /** Finds the newest entry beyond `keep`, then deletes it and everything older in one statement. */
  async prune(teamId: string, keep: number): Promise<void> {
    const [cut] = await this.models.ProvisioningLog.find({ teamId }).sort({ at: -1, _id: -1 }).skip(nonNegativeInt(keep)).limit(1).lean<ProvisioningLogDoc[]>();
    if (!cut) return;
    await this.models.ProvisioningLog.deleteMany({ teamId, $or: [{ at: { $lt: cut.at } }, { at: cut.at, _id: { $lte: cut._id } }] });
  }
}
