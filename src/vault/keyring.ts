import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../util/errors.ts';

/**
 * AES-256-GCM with a fresh 96-bit IV per value and AAD that binds each ciphertext to its place
 * (`table|column|rowId`), so a value copied into another row or column fails to decrypt instead of
 * silently handing one user's credentials to another. Values are self-describing:
 * `v1.<kid>.<iv>.<ciphertext>.<tag>` (base64url), so reads work with any key in the ring and
 * rotation re-encrypts lazily or in batches (`switchboard vault rotate`, issue 6).
 */
export interface VaultKey {
  kid: string;
  key: Buffer;
}

export interface Binding {
  table: string;
  column: string;
  rowId: string;
}

const FINGERPRINT_LABEL = 'switchboard vault key fingerprint v1';

export class Keyring {
  readonly keys: readonly VaultKey[];
  constructor(keys: VaultKey[]) {
    if (keys.length === 0) throw new Error('a keyring needs at least one key');
    const seen = new Set<string>();
    for (const k of keys) {
      if (k.key.length !== 32) throw new Error(`vault key "${k.kid}" must be 32 bytes, got ${k.key.length}`);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.kid))
        throw new Error(`vault key id "${k.kid}" must match [A-Za-z0-9_-]{1,32}`);
      if (seen.has(k.kid)) throw new Error(`vault key id "${k.kid}" appears twice`);
      seen.add(k.kid);
    }
    this.keys = keys;
  }

  /** The key new values are encrypted with. */
  get primary(): VaultKey {
    return this.keys[0]!;
  }

  /** Parses `kid:base64,kid2:base64`. */
  static parse(spec: string): Keyring {
    const keys = spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((entry) => {
        const i = entry.indexOf(':');
        if (i <= 0) throw new Error('expected kid:base64key entries separated by commas');
        const kid = entry.slice(0, i);
        const key = Buffer.from(entry.slice(i + 1), 'base64');
        return { kid, key };
      });
    return new Keyring(keys);
  }

  static generateSpec(kid = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`): string {
    return `${kid}:${randomBytes(32).toString('base64')}`;
  }

  fingerprint(key: VaultKey): string {
    return createHmac('sha256', key.key).update(FINGERPRINT_LABEL).digest('base64url');
  }

  /** True when `fingerprint` was made by the key of that kid in this ring. */
  matches(kid: string, fingerprint: string): boolean | undefined {
    const key = this.keys.find((k) => k.kid === kid);
    if (!key) return undefined;
    const a = Buffer.from(this.fingerprint(key));
    const b = Buffer.from(fingerprint);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  encrypt(plaintext: string, binding: Binding): string {
    const { kid, key } = this.primary;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(binding));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', kid, iv.toString('base64url'), ct.toString('base64url'), tag.toString('base64url')].join('.');
  }

  decrypt(value: string, binding: Binding): string {
    const parts = value.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') {
      throw new GatewayError('vault_decrypt_failed', `stored value in ${describe(binding)} is not a vault value`);
    }
    const [, kid, iv, ct, tag] = parts as [string, string, string, string, string];
    const key = this.keys.find((k) => k.kid === kid);
    if (!key) {
      throw new GatewayError(
        'vault_decrypt_failed',
        `stored value in ${describe(binding)} was encrypted with key "${kid}", which is not in the keyring`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(aad(binding));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new GatewayError(
        'vault_decrypt_failed',
        `stored value in ${describe(binding)} failed authentication (wrong key, or moved from another row)`,
      );
    }
  }

  /** The kid a stored value was written with (for rotation counts). */
  static kidOf(value: string): string | undefined {
    const parts = value.split('.');
    return parts.length === 5 && parts[0] === 'v1' ? parts[1] : undefined;
  }
}

const aad = (b: Binding): Buffer => Buffer.from(`switchboard|${b.table}|${b.column}|${b.rowId}`, 'utf8');
const describe = (b: Binding): string => `${b.table}.${b.column} (row ${b.rowId})`;
