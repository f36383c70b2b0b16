import { createBrowserRouter, Navigate, Outlet } from 'react-router';
import { NoticesProvider } from '../lib/notices';
import { AppLayout } from './app-layout';
import { RouteError } from './route-error';

// Each page is its own chunk, so the first load carries only the shell and the page it opens.
export const router = createBrowserRouter([
  {
    Component: RootLayout,
    ErrorBoundary: RouteError,
    children: [
      { path: '/login', lazy: () => import('../pages/login-page').then((module) => ({ Component: module.LoginPage })) },
      {
        path: '/',
        Component: AppLayout,
        ErrorBoundary: RouteError,
        children: [
          { index: true, element: <Navigate to="/incidents" replace /> },
          {
            path: 'incidents',
            lazy: () => import('../pages/incidents-page').then((module) => ({ Component: module.IncidentsPage })),
          },
          {
            path: 'incidents/:incidentId',
            lazy: () => import('../pages/incident-page').then((module) => ({ Component: module.IncidentPage })),
          },
          {
            path: 'chat/:sessionId?',
            lazy: () => import('../pages/chat-page').then((module) => ({ Component: module.ChatPage })),
          },
          {
            path: 'knowledge',
            lazy: () => import('../pages/knowledge-page').then((module) => ({ Component: module.KnowledgePage })),
          },
          {
            path: 'approvals',
            lazy: () => import('../pages/approvals-page').then((module) => ({ Component: module.ApprovalsPage })),
          },
          {
            path: 'settings',
            lazy: () => import('../pages/settings-layout').then((module) => ({ Component: module.SettingsLayout })),
            children: [
              { index: true, element: <Navigate to="/settings/integrations" replace /> },
              {
                path: 'integrations',
                lazy: () =>
                  import('../pages/integrations-page').then((module) => ({ Component: module.IntegrationsPage })),
              },
              {
                path: 'members',
                lazy: () => import('../pages/members-page').then((module) => ({ Component: module.MembersPage })),
              },
              {
                path: 'tokens',
                lazy: () => import('../pages/tokens-page').then((module) => ({ Component: module.TokensPage })),
              },
              {
                path: 'connectors',
                lazy: () => import('../pages/connectors-page').then((module) => ({ Component: module.ConnectorsPage })),
              },
              {
                path: 'llm',
                lazy: () =>
                  import('../pages/llm-settings-page').then((module) => ({ Component: module.LlmSettingsPage })),
              },
              {
                path: 'notifications',
                lazy: () =>
                  import('../pages/notifications-page').then((module) => ({ Component: module.NotificationsPage })),
              },
              {
                path: 'usage',
                lazy: () => import('../pages/usage-page').then((module) => ({ Component: module.UsagePage })),
              },
              {
                path: 'correlation',
                lazy: () =>
                  import('../pages/correlation-page').then((module) => ({ Component: module.CorrelationPage })),
              },
              {
                path: 'audit-log',
                lazy: () => import('../pages/audit-log-page').then((module) => ({ Component: module.AuditLogPage })),
              },
            ],
          },
          {
            path: '*',
            lazy: () => import('../pages/not-found-page').then((module) => ({ Component: module.NotFoundPage })),
          },
        ],
      },
    ],
  },
]);

function RootLayout() {
  return (
    <NoticesProvider>
      <Outlet />
    </NoticesProvider>
  );
}
