import { ApiProblem } from '../api/client';

/** An API error as the API explained it: the problem's title and `detail`, and the request id to find it in logs. */
export function ProblemMessage({ error, className = '' }: { error: unknown; className?: string }) {
  const problem =
    error instanceof ApiProblem
      ? error
      : new ApiProblem({
          status: 0,
          title: 'Something went wrong',
          detail: error instanceof Error ? error.message : String(error),
        });
  return (
    <div
      role="alert"
      className={`rounded-md border border-red-300 bg-red-50 px-3 py-2 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100 ${className}`}
    >
      <p className="font-semibold">
        {problem.title}
        {problem.status ? (
          <span className="ml-2 font-mono text-xs font-normal opacity-70">{problem.status}</span>
        ) : null}
      </p>
      <p>{problem.detail}</p>
      {problem.errors.length > 0 ? (
        <ul className="mt-1 list-disc pl-5 text-sm">
          {problem.errors.map((item) => (
            <li key={`${item.location}${item.path}${item.message}`}>
              {item.path ? <code className="font-mono">{item.path}</code> : null} {item.message}
            </li>
          ))}
        </ul>
      ) : null}
      {problem.requestId ? <p className="mt-1 font-mono text-xs opacity-70">request {problem.requestId}</p> : null}
    </div>
  );
}
