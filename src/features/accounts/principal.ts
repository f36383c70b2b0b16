import type { AuditActor } from '../../platform/audit/audit-log.js';
import type { Role } from './roles.js';

/** Who is calling, in which org, with which role. Built once per request by authentication. */
export interface Principal {
  kind: 'session' | 'api_token';
  userId: string;
  email: string;
  orgId: string;
  role: Role;
  sessionId?: string;
  tokenId?: string;
}

export function auditActor(principal: Principal): AuditActor {
  return principal.kind === 'api_token'
    ? { type: 'api_token', id: principal.tokenId }
    : { type: 'user', id: principal.userId };
}
