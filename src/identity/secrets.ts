import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Random bearer secrets (session ids, login links, codes, tokens): 256 bits from the CSPRNG, base64url, with an
 * optional prefix so secret scanners can recognise them. RFC 6749 §10.10 asks for at most 2^-128 guessing odds.
 */
export function randomSecret(prefix = '', bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/**
 * How every high-entropy secret is stored: SHA-256, base64url. A slow KDF buys nothing against 256-bit random
 * values and would cost latency on every request; a database leak still yields no usable secret.
 */
export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64url');

/** HMAC-SHA256 (base64url) of `message` under `key`. */
export const hmac = (key: string, message: string): string =>
  createHmac('sha256', key).update(message, 'utf8').digest('base64url');

/** Constant-time string comparison (no early exit that would leak the matching prefix through timing). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
