/** The store contract against SQLite: each test on a fresh database file in its own folder. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { createPasswordHasher } from '../../src/store/passwords.js';
import { openSqliteStores } from '../../src/store/sqlite-stores.js';
import { describeStoreContract } from '../store/contract.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bbs-contract-'));
const hasher = createPasswordHasher({ maxConcurrent: 2 });
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describeStoreContract('SQLite', async (now) => openSqliteStores(fs.mkdtempSync(path.join(root, 'data-')), { hasher, now }));
