import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { isProblem } from './api/client';
import { sessionKey } from './api/session';
import { router } from './app/router';
import { applyTheme } from './lib/theme';
import './styles.css';

applyTheme();

// A 401 anywhere means the session ended: re-check it, and the layout sends the user to sign in.
const onError = (error: unknown) => {
  if (isProblem(error, 401)) void queryClient.invalidateQueries({ queryKey: sessionKey });
};
const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // Client errors (404, 403) will not change on retry; network and server errors may.
      retry: (failures, error) => failures < 2 && (!isProblem(error) || error.status === 0 || error.status >= 500),
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
