import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { ProblemMessage } from '../components/problem-message';

/** A page that failed to load or render (e.g. a new build replaced the chunk it needs): say so, offer a reload. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? new Error(`${error.status} ${error.statusText}`) : error;
  return (
    <main className="mx-auto max-w-xl p-6">
      <ProblemMessage error={message} />
      <div className="mt-3 flex gap-2">
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload
        </button>
        <Link className="button" to="/incidents">
          Incidents
        </Link>
      </div>
    </main>
  );
}
