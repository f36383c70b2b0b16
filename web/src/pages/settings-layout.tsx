import { NavLink, Outlet } from 'react-router';
import { hasRole, useSession } from '../api/session';

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `block rounded px-2 py-1 text-sm ${isActive ? 'bg-zinc-200 font-medium text-zinc-950 dark:bg-zinc-800 dark:text-white' : 'text-zinc-600 hover:text-zinc-950 dark:text-zinc-300 dark:hover:text-white'}`;

export function SettingsLayout() {
  const session = useSession();
  return (
    <div className="grid gap-4 md:grid-cols-[12rem_minmax(0,1fr)]">
      <nav aria-label="Settings">
        <ul className="flex flex-row flex-wrap gap-1 md:flex-col">
          <li>
            <NavLink to="/settings/integrations" className={linkClass}>
              Integrations
            </NavLink>
          </li>
          <li>
            <NavLink to="/settings/members" className={linkClass}>
              Members
            </NavLink>
          </li>
          <li>
            <NavLink to="/settings/tokens" className={linkClass}>
              API tokens
            </NavLink>
          </li>
          <li>
            <NavLink to="/settings/connectors" className={linkClass}>
              Connectors
            </NavLink>
          </li>
          {hasRole(session, 'admin') ? (
            <>
              <li>
                <NavLink to="/settings/llm" className={linkClass}>
                  Model provider
                </NavLink>
              </li>
              <li>
                <NavLink to="/settings/notifications" className={linkClass}>
                  Notifications
                </NavLink>
              </li>
            </>
          ) : null}
          <li>
            <NavLink to="/settings/usage" className={linkClass}>
              Usage and cost
            </NavLink>
          </li>
          <li>
            <NavLink to="/settings/correlation" className={linkClass}>
              Correlation rules
            </NavLink>
          </li>
          {hasRole(session, 'admin') ? (
            <li>
              <NavLink to="/settings/audit-log" className={linkClass}>
                Audit log
              </NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      <div className="min-w-0">
        <Outlet />
      </div>
    </div>
  );
}
