import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { usePendingApprovalCount } from '../api/chat';
import { SessionContext, useSessionQuery } from '../api/session';
import { OrganizationSwitcher, UserMenu } from '../components/account-menus';
import { ProblemMessage } from '../components/problem-message';
import { Loading } from '../components/states';
import { ThemeMenu } from '../components/theme-menu';
import { LiveEventsProvider, useLiveEvents } from '../lib/live-events';

const navLinkClass = ({ isActive }: { isActive: boolean }) =>
  `rounded px-2 py-1 text-sm font-medium ${isActive ? 'bg-zinc-200 text-zinc-950 dark:bg-zinc-800 dark:text-white' : 'text-zinc-600 hover:text-zinc-950 dark:text-zinc-300 dark:hover:text-white'}`;

function StreamIndicator() {
  const { state } = useLiveEvents();
  const label = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <span
      className="muted flex items-center gap-1.5 text-xs"
      title="Live updates from the server"
      data-testid="stream-state"
    >
      <span
        aria-hidden
        className={`inline-block size-2 rounded-full ${state === 'live' ? 'bg-emerald-500' : 'animate-pulse bg-amber-500'}`}
      />
      {label}
    </span>
  );
}

/** How many agent actions wait for a human, next to the Approvals link. */
function PendingApprovalsBadge() {
  const count = usePendingApprovalCount();
  if (!count.data) return null;
  return (
    <span
      className="ml-1 rounded-full bg-amber-500 px-1.5 text-xs font-semibold text-zinc-950"
      data-testid="pending-approvals"
    >
      {count.data}
      <span className="sr-only"> waiting</span>
    </span>
  );
}

/** Every signed-in page: the session (or a redirect to sign in), the header, and the live event stream. */
export function AppLayout() {
  const sessionQuery = useSessionQuery();
  const location = useLocation();
  if (sessionQuery.isPending) return <Loading label="Checking your session…" />;
  if (sessionQuery.isError) {
    return (
      <main className="mx-auto max-w-xl p-6">
        <ProblemMessage error={sessionQuery.error} />
        <button type="button" className="button mt-3" onClick={() => sessionQuery.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  const session = sessionQuery.data;
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return (
    <SessionContext.Provider value={session}>
      <LiveEventsProvider orgId={session.organization.id}>
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-amber-400 focus:px-3 focus:py-1 focus:text-zinc-950"
        >
          Skip to content
        </a>
        <header className="sticky top-0 z-30 border-b border-zinc-200 bg-white/95 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/95">
          <div className="mx-auto flex max-w-[1600px] items-center gap-3 px-4 py-2">
            <NavLink to="/incidents" className="flex items-center gap-2 font-semibold tracking-tight">
              <span aria-hidden className="inline-block size-3 rounded-full bg-amber-500" />
              Aurora
            </NavLink>
            <nav aria-label="Main" className="flex items-center gap-1">
              <NavLink to="/incidents" className={navLinkClass}>
                Incidents
              </NavLink>
              <NavLink to="/chat" className={navLinkClass}>
                Chat
              </NavLink>
              <NavLink to="/knowledge" className={navLinkClass}>
                Knowledge
              </NavLink>
              <NavLink to="/approvals" className={navLinkClass}>
                Approvals
                <PendingApprovalsBadge />
              </NavLink>
              <NavLink to="/settings" className={navLinkClass}>
                Settings
              </NavLink>
            </nav>
            <StreamIndicator />
            <div className="ml-auto flex min-w-0 items-center gap-2">
              <OrganizationSwitcher session={session} />
              <ThemeMenu />
              <UserMenu session={session} />
            </div>
          </div>
        </header>
        <main id="main" tabIndex={-1} className="mx-auto max-w-[1600px] px-4 py-4 outline-none">
          <Outlet />
        </main>
      </LiveEventsProvider>
    </SessionContext.Provider>
  );
}
