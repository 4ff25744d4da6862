/**
 * MongoDB adapter behaviour that needs no server: duplicate-key errors of every shape the driver
 * throws, and what the mongoose schemas accept (validated in memory on an unopened connection).
 */
import mongoose from 'mongoose';
import { auditDoc } from '../../../src/store/mongo/audit';
import { duplicateKeyFields, isDuplicateKey, toUniqueConstraintError } from '../../../src/store/mongo/errors';
import { mapGroupUnique } from '../../../src/store/mongo/groups';
import { createModels, type Models } from '../../../src/store/mongo/models';
import { provisioningLogDoc } from '../../../src/store/mongo/provisioning-log';
import { UniqueConstraintError, type AuditEntry } from '../../../src/store/port';

/** What insertMany/bulkWrite throw: code 11000 on top, keyPattern only inside writeErrors[0].err. */
const bulkDuplicate = (keyPattern: Record<string, number>) => ({
  name: 'MongoBulkWriteError',
  code: 11000,
  writeErrors: [{ code: 11000, err: { code: 11000, keyPattern, errmsg: 'E11000 duplicate key error collection: gatehouse.groups index: x' } }],
});

describe('Duplicate-key errors map to the logical field whatever their shape', () => {
  test('When insertMany reports a duplicate group name (keyPattern only inside writeErrors), then it is a UniqueConstraintError on displayName', async () => {
    const error = bulkDuplicate({ teamId: 1, displayNameLower: 1 });
    expect(isDuplicateKey(error)).toBe(true);
    expect(duplicateKeyFields(error)).toEqual(['teamId', 'displayNameLower']);
    await expect(mapGroupUnique(() => Promise.reject(error))).rejects.toEqual(new UniqueConstraintError('displayName'));
  });

  test('When only the message names the index, then the index name still gives the field', async () => {
    const error = { code: 11000, errmsg: 'E11000 duplicate key error collection: gatehouse.groups index: groups_team_external_id_unique dup key: { teamId: "t", externalId: "x" }' };
    await expect(mapGroupUnique(() => Promise.reject(error))).rejects.toEqual(new UniqueConstraintError('externalId'));
    expect(toUniqueConstraintError({ code: 11000, errmsg: 'E11000 … index: users_email_unique dup key' })).toEqual(new UniqueConstraintError('email'));
  });

  test('When the error is not a duplicate key, then it passes through unchanged', async () => {
    const other = new Error('network');
    await expect(mapGroupUnique(() => Promise.reject(other))).rejects.toBe(other);
  });
});

describe('Schemas accept what SQLite accepts and refuse what it refuses', () => {
  let connection: mongoose.Connection;
  let models: Models;
  beforeAll(() => {
    connection = mongoose.createConnection(); // never opened: validation runs in memory
    models = createModels(connection);
  });
  afterAll(() => connection.close());

  const token = { _id: 't1', teamId: 'team', secretHash: 'h', name: 'n', description: '', idpId: null, createdAt: '2024-01-01T00:00:00.000Z' };

  test("When a required text is '' (NOT NULL accepts it), then the document validates; when it is missing or null, it does not", () => {
    expect(new models.ScimToken({ ...token, name: '' }).validateSync()).toBeUndefined();
    expect(new models.Team({ _id: 'x', name: '', createdAt: '2024-01-01T00:00:00.000Z' }).validateSync()).toBeUndefined();
    expect(new models.ScimToken({ ...token, name: null }).validateSync()?.errors['name']).toBeDefined();
    const { name: _omitted, ...withoutName } = token;
    expect(new models.ScimToken(withoutName).validateSync()?.errors['name']).toBeDefined();
  });

  test('When an audit entry or log entry carries extra properties, then the stored document has only the schema fields (strict: throw would refuse them)', () => {
    const entry = { id: 'a1', teamId: 't', at: '2024-01-01T00:00:00.000Z', actor: { type: 'user', id: 'u', name: 'Ada', email: 'extra' }, action: 'x', targetType: null, targetId: null, details: { 'a.b': 1 }, extra: true } as unknown as AuditEntry;
    expect(() => new models.Audit({ _id: entry.id, ...entry })).toThrow(/not in schema/);
    const doc = new models.Audit(auditDoc(entry));
    expect(doc.validateSync()).toBeUndefined();
    expect(Object.keys(doc.toObject().actor)).toEqual(['type', 'id', 'name']);
    const log = { teamId: 't', at: '2024-01-01T00:00:00.000Z', tokenId: null, method: 'GET', path: '/Users', status: 200, scimType: null, detail: null, durationMs: 3, requestId: 'extra' };
    expect(() => new models.ProvisioningLog({ _id: 'p', ...log })).toThrow(/not in schema/);
    expect(new models.ProvisioningLog(provisioningLogDoc(log)).validateSync()).toBeUndefined();
  });
});
