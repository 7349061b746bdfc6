/**
 * Expected failures carry a stable `code` that clients, tests and the audit log can rely on.
 * Only bugs are thrown as plain Errors.
 */
export type ErrorCode =
  | 'invalid_arguments'
  | 'unknown_tool'
  | 'unauthorized'
  | 'forbidden'
  | 'not_connected'
  | 'connection_unusable'
  | 'upstream_error'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'rate_limited'
  | 'call_budget_exceeded'
  | 'vault_key_mismatch'
  | 'vault_decrypt_failed'
  | 'not_found'
  | 'conflict'
  | 'internal';

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.details = details;
  }
}

export const isGatewayError = (e: unknown): e is GatewayError => e instanceof GatewayError;
