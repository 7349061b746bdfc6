import { SUPPORTED_SCOPES } from './scopes.ts';

/** Endpoint paths of the authorization server (advertised in its metadata; clients read them from there). */
export const ENDPOINTS = {
  authorize: '/oauth/authorize',
  consent: '/oauth/consent',
  token: '/oauth/token',
  register: '/oauth/register',
  revoke: '/oauth/revoke',
} as const;

/**
 * RFC 8414 authorization server metadata. The issuer is the origin, so the document lives at
 * `/.well-known/oauth-authorization-server` (and, with the same content, at the OpenID Connect discovery path,
 * which MCP 2025-11-25 clients also try). This server issues no ID tokens, so the OpenID-only fields are absent.
 */
export function authorizationServerMetadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}${ENDPOINTS.authorize}`,
    token_endpoint: `${issuer}${ENDPOINTS.token}`,
    registration_endpoint: `${issuer}${ENDPOINTS.register}`,
    revocation_endpoint: `${issuer}${ENDPOINTS.revoke}`,
    scopes_supported: SUPPORTED_SCOPES,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    // Public clients only (OAuth 2.1 §2.1): PKCE instead of client secrets.
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    // MCP authorization: clients MUST refuse a server that does not list S256 here.
    code_challenge_methods_supported: ['S256'],
    // RFC 9207: the authorization response carries `iss`, against mix-up attacks.
    authorization_response_iss_parameter_supported: true,
    // MCP 2025-11-25: a client_id may be an https URL naming a client ID metadata document.
    client_id_metadata_document_supported: true,
  };
}

/** RFC 9728 protected resource metadata of an MCP endpoint (or of the whole /mcp tree at the root form). */
export function protectedResourceMetadata(origin: string, resourcePath: string) {
  return {
    resource: `${origin}${resourcePath}`,
    authorization_servers: [origin],
    scopes_supported: SUPPORTED_SCOPES,
    // RFC 6750 §2.1 only: never the query string or a form body.
    bearer_methods_supported: ['header'],
    resource_name: 'Switchboard',
  };
}

/** Where the protected resource metadata of an MCP path is published (RFC 9728 §3.1, path-suffixed form). */
export const resourceMetadataUrl = (origin: string, resourcePath: string): string =>
  `${origin}/.well-known/oauth-protected-resource${resourcePath}`;
