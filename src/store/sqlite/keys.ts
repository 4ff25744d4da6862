import type { InstanceSecret, InstanceSecretRepo, SpKey, SpKeyRepo, Timestamp } from '../port';
import type { Db } from './database';

interface SpKeyRow {
  id: string;
  use: SpKey['use'];
  state: SpKey['state'];
  cert_pem: string;
  sealed_private_key: string;
  created_at: string;
  activated_at: string | null;
}

function rowToKey(row: SpKeyRow): SpKey {
  return {
    id: row.id,
    use: row.use,
    state: row.state,
    certPem: row.cert_pem,
    sealedPrivateKey: row.sealed_private_key,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
  };
}

/** SP key pairs and their rollover; every state change is one IMMEDIATE transaction, so processes sharing the file serialise. */
export class SqliteSpKeyRepo implements SpKeyRepo {
  private readonly statements;
  private readonly createActiveTx;
  private readonly stageTx;
  private readonly activateTx;

  constructor(db: Db) {
    this.statements = {
      list: db.prepare('SELECT * FROM sp_keys'),
      byState: db.prepare('SELECT * FROM sp_keys WHERE state = ?'),
      insert: db.prepare(`INSERT INTO sp_keys (id, use, state, cert_pem, sealed_private_key, created_at, activated_at)
        VALUES (@id, @use, @state, @certPem, @sealedPrivateKey, @createdAt, @activatedAt)`),
      move: db.prepare('UPDATE sp_keys SET state = ? WHERE state = ?'),
      activate: db.prepare(`UPDATE sp_keys SET state = 'active', activated_at = ? WHERE state = 'staged'`),
      deletePrevious: db.prepare(`DELETE FROM sp_keys WHERE state = 'previous'`),
      reseal: db.prepare('UPDATE sp_keys SET sealed_private_key = ? WHERE id = ? AND sealed_private_key = ?'),
    };
    const s = this.statements;
    const inState = (state: SpKey['state']) => (s.byState.all(state) as SpKeyRow[]).map(rowToKey);
    this.createActiveTx = db.transaction((keys: readonly SpKey[]): SpKey[] => {
      const existing = inState('active');
      if (existing.length > 0) return existing;
      for (const key of keys) s.insert.run({ ...key, state: 'active' });
      return inState('active');
    });
    this.stageTx = db.transaction((keys: readonly SpKey[]): 'staged' | 'already-staged' | 'previous-not-retired' => {
      if (inState('staged').length > 0) return 'already-staged';
      if (inState('previous').length > 0) return 'previous-not-retired';
      for (const key of keys) s.insert.run({ ...key, state: 'staged', activatedAt: null });
      return 'staged';
    });
    this.activateTx = db.transaction((now: Timestamp): 'activated' | 'nothing-staged' | 'previous-not-retired' => {
      if (inState('staged').length === 0) return 'nothing-staged';
      if (inState('previous').length > 0) return 'previous-not-retired';
      s.move.run('previous', 'active');
      s.activate.run(now);
      return 'activated';
    });
  }

  async list(): Promise<SpKey[]> {
    return (this.statements.list.all() as SpKeyRow[]).map(rowToKey);
  }

  async createActiveIfAbsent(keys: readonly SpKey[]): Promise<SpKey[]> {
    return this.createActiveTx.immediate(keys);
  }

  async stage(keys: readonly SpKey[]): Promise<'staged' | 'already-staged' | 'previous-not-retired'> {
    return this.stageTx.immediate(keys);
  }

  async activate(now: Timestamp): Promise<'activated' | 'nothing-staged' | 'previous-not-retired'> {
    return this.activateTx.immediate(now);
  }

  async retire(): Promise<'retired' | 'nothing-to-retire'> {
    return this.statements.deletePrevious.run().changes > 0 ? 'retired' : 'nothing-to-retire';
  }

  async reseal(id: string, expected: string, sealedPrivateKey: string): Promise<boolean> {
    return this.statements.reseal.run(sealedPrivateKey, id, expected).changes === 1;
  }
}

interface SecretRow {
  name: string;
  sealed_value: string;
  created_at: string;
}

const rowToSecret = (row: SecretRow): InstanceSecret => ({ name: row.name, sealedValue: row.sealed_value, createdAt: row.created_at });

export class SqliteInstanceSecretRepo implements InstanceSecretRepo {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      // The primary key decides between processes: the first insert wins, later ones change nothing.
      insert: db.prepare('INSERT INTO instance_secrets (name, sealed_value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING'),
      get: db.prepare('SELECT * FROM instance_secrets WHERE name = ?'),
      list: db.prepare('SELECT * FROM instance_secrets ORDER BY name'),
      reseal: db.prepare('UPDATE instance_secrets SET sealed_value = ? WHERE name = ? AND sealed_value = ?'),
    };
  }

  async getOrCreate(secret: InstanceSecret): Promise<InstanceSecret> {
    this.statements.insert.run(secret.name, secret.sealedValue, secret.createdAt);
    return rowToSecret(this.statements.get.get(secret.name) as SecretRow);
  }

  async list(): Promise<InstanceSecret[]> {
    return (this.statements.list.all() as SecretRow[]).map(rowToSecret);
  }

  async reseal(name: string, expected: string, sealedValue: string): Promise<boolean> {
    return this.statements.reseal.run(sealedValue, name, expected).changes === 1;
  }
}
