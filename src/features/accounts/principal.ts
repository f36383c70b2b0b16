import type { AuditActor, AuditEntry } from '../../platform/audit/audit-log.js';
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

/** An audit entry for something `principal` did in its org during a request. */
export function principalAudit(
  principal: Principal,
  metadata: { requestId?: string; ip?: string },
  entry: Pick<AuditEntry, 'action' | 'targetType' | 'targetId' | 'details' | 'outcome'>,
): AuditEntry {
  return {
    orgId: principal.orgId,
    actor: auditActor(principal),
    requestId: metadata.requestId,
    ip: metadata.ip,
    ...entry,
  };
}
