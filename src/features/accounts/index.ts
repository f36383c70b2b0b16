export { registerAccountsRoutes } from './accounts.routes.js';
export { AccountsService, apiTokenPrefix, type RequestMetadata } from './accounts.service.js';
export { registerAuthentication, sessionCookieName } from './authentication.js';
export { type AuroraApp, principalOf, type RouteAuth, requestMetadata } from './http.js';
export { auditActor, type Principal, principalAudit } from './principal.js';
export { type Role, roleAtLeast, roles } from './roles.js';
export { generateToken, hashToken } from './secure-tokens.js';
