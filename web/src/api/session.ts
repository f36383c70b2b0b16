import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { api, isProblem, type ResponseOf, unwrap } from './client';

export type Session = ResponseOf<'/api/v1/auth/session'>;
export type Role = Session['role'];

export const sessionKey = ['session'] as const;

/** Everything cached for one org lives under this key, so switching org can drop it all at once. */
export const orgKey = (orgId: string) => ['org', orgId] as const;

/** The signed-in session, or null when signed out (a 401 is an answer here, not an error). */
export function useSessionQuery() {
  return useQuery({
    queryKey: sessionKey,
    queryFn: async (): Promise<Session | null> => {
      try {
        return await unwrap(api.GET('/api/v1/auth/session'));
      } catch (error) {
        if (isProblem(error, 401)) return null;
        throw error;
      }
    },
    staleTime: 60_000,
    retry: (failures, error) => !isProblem(error) || (error.status === 0 && failures < 2),
  });
}

export const SessionContext = createContext<Session | null>(null);

/** The session of a signed-in page (inside the app layout). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

const roleRank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export function hasRole(session: Session, role: Role): boolean {
  return roleRank[session.role] >= roleRank[role];
}

/** After sign-in or an org switch: the new session replaces the old, and nothing of another org stays cached. */
export function useReplaceSession(): (session: Session | null) => void {
  const queryClient = useQueryClient();
  return (session) => {
    queryClient.removeQueries({ queryKey: ['org'] });
    queryClient.setQueryData(sessionKey, session);
  };
}
