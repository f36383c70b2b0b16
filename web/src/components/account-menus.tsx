import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../api/client';
import { type Session, useReplaceSession } from '../api/session';
import { useNotify } from '../lib/notices';
import { menuContentClass, menuItemClass } from './theme-menu';

/** Switches the session to another org the user belongs to; shown only when there is more than one. */
export function OrganizationSwitcher({ session }: { session: Session }) {
  const replaceSession = useReplaceSession();
  const navigate = useNavigate();
  const notify = useNotify();
  const switchOrganization = useMutation({
    mutationFn: (orgId: string) => unwrap(api.PUT('/api/v1/auth/session/organization', { body: { orgId } })),
    onSuccess: (next) => {
      replaceSession(next);
      navigate('/incidents');
      notify(`Switched to ${next.organization.name}`);
    },
    onError: (error) => notify(error.message, { tone: 'error' }),
  });
  if (session.organizations.length < 2) {
    return (
      <span className="muted truncate text-sm" title="Organization">
        {session.organization.name}
      </span>
    );
  }
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className="button max-w-56"
        aria-label={`Organization: ${session.organization.name}. Switch organization`}
      >
        <span className="truncate">{session.organization.name}</span>
        <span aria-hidden>▾</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" className={menuContentClass}>
          <DropdownMenu.Label className="muted px-2 py-1 text-xs">Switch organization</DropdownMenu.Label>
          <DropdownMenu.RadioGroup
            value={session.organization.id}
            onValueChange={(orgId) => switchOrganization.mutate(orgId)}
          >
            {session.organizations.map((organization) => (
              <DropdownMenu.RadioItem key={organization.id} value={organization.id} className={menuItemClass}>
                <span className="w-3" aria-hidden>
                  <DropdownMenu.ItemIndicator>•</DropdownMenu.ItemIndicator>
                </span>
                <span className="flex-1 truncate">{organization.name}</span>
                <span className="muted text-xs">{organization.role}</span>
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

export function UserMenu({ session }: { session: Session }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const notify = useNotify();
  const signOut = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/logout')),
    onSuccess: () => {
      queryClient.clear();
      queryClient.setQueryData(['session'], null);
      navigate('/login');
    },
    onError: (error) => notify(error.message, { tone: 'error' }),
  });
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="button max-w-56" aria-label={`Account: ${session.user.email}`}>
        <span className="truncate">{session.user.name || session.user.email}</span>
        <span aria-hidden>▾</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" className={menuContentClass}>
          <DropdownMenu.Label className="px-2 py-1 text-xs">
            <span className="block font-medium">{session.user.email}</span>
            <span className="muted">
              {session.role} in {session.organization.name}
            </span>
          </DropdownMenu.Label>
          <DropdownMenu.Separator className="my-1 h-px bg-zinc-200 dark:bg-zinc-800" />
          <DropdownMenu.Item className={menuItemClass} onSelect={() => navigate('/settings/tokens')}>
            API tokens
          </DropdownMenu.Item>
          <DropdownMenu.Item className={menuItemClass} onSelect={() => signOut.mutate()}>
            Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
