import { createContext, type ReactNode, useCallback, useContext, useState } from 'react';
import { Link } from 'react-router';

interface Notice {
  id: number;
  message: string;
  tone: 'success' | 'error';
  link?: { to: string; label: string };
}

type Notify = (message: string, options?: { tone?: Notice['tone']; link?: Notice['link'] }) => void;

const NoticesContext = createContext<Notify>(() => undefined);

/** Short confirmations of what an action did ("Incident resolved"), announced to screen readers. */
export function useNotify(): Notify {
  return useContext(NoticesContext);
}

let nextId = 1;

export function NoticesProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = useCallback(
    (id: number) => setNotices((current) => current.filter((notice) => notice.id !== id)),
    [],
  );
  const notify = useCallback<Notify>(
    (message, options = {}) => {
      const id = nextId++;
      setNotices((current) => [
        ...current.slice(-3),
        { id, message, tone: options.tone ?? 'success', link: options.link },
      ]);
      window.setTimeout(() => dismiss(id), 10_000);
    },
    [dismiss],
  );
  return (
    <NoticesContext.Provider value={notify}>
      {children}
      <section
        aria-label="Notifications"
        aria-live="polite"
        className="fixed right-4 bottom-4 z-50 flex w-96 max-w-[90vw] flex-col gap-2"
      >
        {notices.map((notice) => (
          <div
            key={notice.id}
            role={notice.tone === 'error' ? 'alert' : 'status'}
            className={`panel flex items-start gap-3 px-3 py-2 shadow-lg ${notice.tone === 'error' ? 'border-red-500 dark:border-red-500' : 'border-emerald-500 dark:border-emerald-600'}`}
          >
            <p className="flex-1">
              {notice.message}
              {notice.link ? (
                <>
                  {' '}
                  <Link className="font-medium text-amber-700 underline dark:text-amber-400" to={notice.link.to}>
                    {notice.link.label}
                  </Link>
                </>
              ) : null}
            </p>
            <button
              type="button"
              className="muted hover:text-zinc-900 dark:hover:text-white"
              aria-label="Dismiss"
              onClick={() => dismiss(notice.id)}
            >
              ×
            </button>
          </div>
        ))}
      </section>
    </NoticesContext.Provider>
  );
}
