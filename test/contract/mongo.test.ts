import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { openMongoStore } from '../../src/store/mongo/index';
import { describeStoreContract } from './store.contract';

const uri = process.env.MONGODB_URI;

if (!uri) {
  console.log('skipped: MONGODB_URI not set — MongoDB store contract suite not run');
  test.skip('MongoDB store contract suite (set MONGODB_URI to a replica set to run it)', () => undefined);
} else {
  // A throwaway database per run: handles and emails are unique on the instance.
  const dbName = `gatehouse_contract_${randomUUID().slice(0, 8)}`;
  describeStoreContract('MongoDB', () => openMongoStore(uri, { dbName }));
  afterAll(async () => {
    const connection = await mongoose.createConnection(uri, { dbName }).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });
}
