/**
 * The store contract against a real PostgreSQL: one database for the file, emptied (and its ids
 * started again) before each test opens its stores.
 */
import { createPasswordHasher } from '../../src/store/passwords.js';
import { openPostgresStores } from '../../src/store/postgres/open.js';
import { TABLES } from '../../src/store/transfer/format.js';
import { usePostgresDatabase, withClient } from '../helpers/postgres.js';
import { describeStoreContract } from '../store/contract.js';

const database = usePostgresDatabase();
const hasher = createPasswordHasher({ maxConcurrent: 2 });
const pool = { size: 4, connectTimeoutMs: 5000, statementTimeoutMs: 10_000 };

describeStoreContract('PostgreSQL', async (now) => {
  const stores = await openPostgresStores({ url: database.url, hasher, now, pool });
  await withClient(database.url, (client) => client.query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`));
  return stores;
});
