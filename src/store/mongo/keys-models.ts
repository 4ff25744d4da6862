import { Schema, type Connection } from 'mongoose';
import type { SpKey } from '../port';

/** SP key pairs and instance secrets (CSRF key…), shared by every instance on the store. */
export interface SpKeyDoc {
  _id: string;
  use: SpKey['use'];
  state: SpKey['state'];
  certPem: string;
  sealedPrivateKey: string;
  createdAt: string;
  activatedAt: string | null;
}

export interface InstanceSecretDoc {
  /** The secret's name. */
  _id: string;
  sealedValue: string;
  createdAt: string;
}

const options = { versionKey: false, minimize: false, strict: 'throw' } as const;
const requiredString = { type: String, required: true };

const spKeySchema = new Schema<SpKeyDoc>(
  {
    _id: requiredString,
    use: { type: String, required: true, enum: ['signing', 'encryption'] },
    state: { type: String, required: true, enum: ['active', 'staged', 'previous'] },
    certPem: requiredString,
    sealedPrivateKey: requiredString,
    createdAt: requiredString,
    activatedAt: { type: String, default: null },
  },
  options,
);
// The rollover invariant (at most one key per use in each state), and what decides between racing first starts.
spKeySchema.index({ use: 1, state: 1 }, { unique: true, name: 'sp_keys_use_state_unique' });

const instanceSecretSchema = new Schema<InstanceSecretDoc>({ _id: requiredString, sealedValue: requiredString, createdAt: requiredString }, options);

export function createKeyModels(connection: Connection) {
  return {
    SpKey: connection.model<SpKeyDoc>('SpKey', spKeySchema, 'sp_keys'),
    InstanceSecret: connection.model<InstanceSecretDoc>('InstanceSecret', instanceSecretSchema, 'instance_secrets'),
  };
}
