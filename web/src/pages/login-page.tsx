import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { useReplaceSession, useSessionQuery } from '../api/session';
import { CopyField } from '../components/copy-button';
import { ProblemMessage } from '../components/problem-message';
import { Loading } from '../components/states';
import { ThemeMenu } from '../components/theme-menu';

/** Only paths inside this app, so `?next=` cannot send a signed-in user elsewhere. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/incidents';
}

export function LoginPage() {
  const [searchParams] = useSearchParams();
  const next = safeNext(searchParams.get('next'));
  const navigate = useNavigate();
  const replaceSession = useReplaceSession();
  const sessionQuery = useSessionQuery();
  const setup = useQuery({ queryKey: ['setup'], queryFn: () => unwrap(api.GET('/api/v1/setup')) });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/login', { body: { email, password } })),
    onSuccess: (session) => {
      replaceSession(session);
      navigate(next, { replace: true });
    },
  });

  if (sessionQuery.data) return <Navigate to={next} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };

  return (
    <div className="min-h-screen">
      <div className="flex justify-end p-3">
        <ThemeMenu />
      </div>
      <main className="mx-auto mt-[8vh] w-full max-w-md px-4">
        <h1 className="mb-1 flex items-center gap-2 text-2xl font-semibold tracking-tight">
          <span aria-hidden className="inline-block size-4 rounded-full bg-amber-500" />
          Aurora
        </h1>
        <p className="muted mb-6">Sign in to see what is burning.</p>

        {setup.isPending ? <Loading /> : null}
        {setup.isError ? <ProblemMessage error={setup.error} className="mb-4" /> : null}
        {setup.data && !setup.data.hasAdmin ? (
          <section
            aria-labelledby="first-run"
            className="panel mb-6 border-amber-400 p-4 dark:border-amber-600"
            data-testid="first-run"
          >
            <h2 id="first-run" className="mb-1 font-semibold">
              First run: create the first admin
            </h2>
            <p className="mb-3">
              No one can sign in yet. On the machine that runs Aurora, from its checkout, create the first organization
              and its admin:
            </p>
            <CopyField value={setup.data.createAdminCommand} label="command" />
            <p className="muted mt-3 text-sm">
              Leave out <code>--password</code> to have one generated and printed. With the embedded database, run it
              while Aurora is stopped (the command says so if the data directory is in use), then start Aurora and sign
              in here.
            </p>
          </section>
        ) : null}

        <form onSubmit={submit} className="panel flex flex-col gap-3 p-4" aria-label="Sign in">
          <label className="flex flex-col gap-1">
            <span className="font-medium">E-mail</span>
            <input
              className="field"
              type="email"
              name="email"
              autoComplete="username"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          </label>
          <label className="flex flex-col gap-1">
            <span className="font-medium">Password</span>
            <input
              className="field"
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </label>
          {login.isError ? <ProblemMessage error={login.error} /> : null}
          <button type="submit" className="button-primary justify-center py-1.5" disabled={login.isPending}>
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
