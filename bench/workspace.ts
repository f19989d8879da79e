/**
 * Everything the board needs for one bench run, made in a temp folder before it starts: a config
 * with raised limits, host keys, and a database of accounts each bound to its own ed25519 key, so
 * logins go by publickey and the bench measures session set-up rather than argon2. remove()
 * deletes the folder; nothing is ever written into the repository.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { generateKeyPair } from '../src/keys/generate.js';
import { loadHostKeys } from '../src/ssh/host-keys.js';
import { openDatabase } from '../src/store/db.js';
import { createPasswordHasher, type PasswordHasher } from '../src/store/passwords.js';
import { SqliteUserStore } from '../src/store/users.js';

export interface Account {
  handle: string;
  password: string;
  /** OpenSSH private key text, for the ssh2 client. */
  privateKey: string;
}

export interface Workspace {
  root: string;
  configFile: string;
  dataDir: string;
  keysDir: string;
  accounts: Account[];
  remove(): void;
}

/** Every account's password: they share one, hashed once (see oneHashForAll). */
const PASSWORD = 'bench-password-123';

/**
 * Limits raised so the bench, not the board's defaults, decides how many callers there are:
 * nodes, seats and connections for every caller of the run (`callers` counts them all, the
 * stalled and timed ones too) with room to spare. Each caller calls from its own address, but
 * the per-address cap is raised as well, so a run made from one address still works. The flood
 * gate is at its schema maximum (100 lines at once, 100 a second) so a sender is not throttled.
 */
function configYaml(callers: number): string {
  const room = callers + 50;
  return `# written by npm run bench; deleted when the run ends
server:
  host: 127.0.0.1
  port: 0
connection:
  max_nodes: ${room}
  max_connections: ${room + 100}
  max_per_ip: ${Math.min(1000, room + 100)}
  max_unauthenticated: 64
  max_unauthenticated_per_ip: 64
chat:
  capacity: ${room}
  history: 50
  flood_burst: 100
  flood_per_second: 100
log:
  level: info
`;
}

export async function createWorkspace(options: { accounts: number; callers: number }): Promise<Workspace> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ssh-bbs-bench-'));
  const workspace: Workspace = {
    root,
    configFile: path.join(root, 'config.yaml'),
    dataDir: path.join(root, 'data'),
    keysDir: path.join(root, 'keys'),
    accounts: [],
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
  try {
    writeFileSync(workspace.configFile, configYaml(options.callers));
    makeHostKeys(workspace.keysDir);
    workspace.accounts = await createAccounts(workspace.dataDir, options.accounts);
    return workspace;
  } catch (err) {
    workspace.remove();
    throw err;
  }
}

/**
 * Made here, so the board's start-up time does not include RSA key generation. The ed25519 key
 * comes from the same ssh2 generator as the accounts' (see generateKey): one in ~256 is unusable
 * and the board refuses it, so such a folder is made again.
 */
function makeHostKeys(dir: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      loadHostKeys(dir, { generate: true });
      return;
    } catch (err) {
      if (attempt === 5) throw err;
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function createAccounts(dataDir: string, count: number): Promise<Account[]> {
  const db = openDatabase(dataDir);
  try {
    const users = new SqliteUserStore(db, await oneHashForAll());
    const accounts: Account[] = [];
    for (let i = 1; i <= count; i++) {
      const handle = `bench${String(i).padStart(4, '0')}`;
      const key = generateKey();
      await users.create({ handle, password: PASSWORD, key: { algo: key.algo, blob: key.blob } });
      accounts.push({ handle, password: PASSWORD, privateKey: key.privateKey });
    }
    return accounts;
  } finally {
    db.close();
  }
}

/**
 * A hasher that computes one real argon2id hash and hands it out for every account: the stored
 * hashes are genuine (password logins verify for real), without paying ~50 ms per account.
 */
async function oneHashForAll(): Promise<PasswordHasher> {
  const real = createPasswordHasher({ maxConcurrent: 1 });
  const phc = await real.hash(PASSWORD);
  return { hash: async () => phc, verify: real.verify, running: 0, waiting: 0 };
}

/** An ed25519 key pair: the private key in OpenSSH format, and its public blob for the database. */
function generateKey(): { algo: string; blob: Buffer; privateKey: string } {
  const keys = generateKeyPair('ed25519');
  const parsed = ssh2.utils.parseKey(keys.private) as ssh2.ParsedKey;
  return { algo: parsed.type, blob: parsed.getPublicSSH(), privateKey: keys.private };
}
