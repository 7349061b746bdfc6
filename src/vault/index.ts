import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../store/db.ts';
import { now } from '../store/db.ts';
import { GatewayError } from '../util/errors.ts';
import type { Logger } from '../util/log.ts';
import { type Binding, Keyring } from './keyring.ts';

export { type Binding, Keyring } from './keyring.ts';

export interface Vault {
  keyring: Keyring;
  encryptJson(value: unknown, binding: Binding): string;
  decryptJson<T = unknown>(value: string, binding: Binding): T;
}

export function createVault(keyring: Keyring): Vault {
  return {
    keyring,
    encryptJson: (value, binding) => keyring.encrypt(JSON.stringify(value), binding),
    decryptJson: <T>(value: string, binding: Binding) => JSON.parse(keyring.decrypt(value, binding)) as T,
  };
}

/**
 * Loads the keyring from SWITCHBOARD_ENCRYPTION_KEYS, or in demo mode from (or into) `<dataDir>/vault.key`.
 * Outside demo mode a missing key is fatal: generating one silently would make every stored secret
 * unreadable after the next restart on another machine.
 */
export function loadKeyring(opts: { keys: string | undefined; demo: boolean; dataDir: string; log?: Logger }): Keyring {
  if (opts.keys) return Keyring.parse(opts.keys);
  const file = path.join(opts.dataDir, 'vault.key');
  if (existsSync(file)) return Keyring.parse(readFileSync(file, 'utf8').trim());
  if (!opts.demo) {
    throw new GatewayError(
      'vault_key_mismatch',
      `SWITCHBOARD_ENCRYPTION_KEYS is not set and ${file} does not exist: set SWITCHBOARD_ENCRYPTION_KEYS=kid:<base64 of 32 random bytes> (e.g. "k1:$(openssl rand -base64 32)")`,
    );
  }
  const spec = Keyring.generateSpec('demo');
  writeFileSync(file, `${spec}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  opts.log?.warn(
    { file },
    'demo mode: generated a vault key file. Keep it with the data folder; set SWITCHBOARD_ENCRYPTION_KEYS in production',
  );
  return Keyring.parse(spec);
}

/**
 * Refuses a keyring that does not match the data: each kid's fingerprint is recorded the first time it is
 * used, and a different key under a known kid (or data written only with unknown kids) stops start-up.
 */
export async function checkKeyring(db: Db, keyring: Keyring): Promise<void> {
  const rows = await db.selectFrom('vault_keys').selectAll().execute();
  for (const row of rows) {
    if (keyring.matches(row.kid, row.fingerprint) === false) {
      throw new GatewayError(
        'vault_key_mismatch',
        `vault key "${row.kid}" does not match the key this data was encrypted with: refusing to start`,
      );
    }
  }
  const known = new Set(rows.map((r) => r.kid));
  if (rows.length > 0 && !keyring.keys.some((k) => known.has(k.kid))) {
    throw new GatewayError(
      'vault_key_mismatch',
      `none of the configured vault keys (${keyring.keys.map((k) => k.kid).join(', ')}) was used for this data (${[...known].join(', ')}): refusing to start`,
    );
  }
  for (const key of keyring.keys) {
    if (known.has(key.kid)) continue;
    await db
      .insertInto('vault_keys')
      .values({ kid: key.kid, fingerprint: keyring.fingerprint(key), created_at: now() })
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
  }
}
