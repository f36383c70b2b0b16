import { type FormEvent, useEffect, useState } from 'react';
import { hasRole, useSession } from '../api/session';
import { type CorrelationSettings, useCorrelationSettings } from '../api/settings';
import { ProblemMessage } from '../components/problem-message';
import { Loading, PageHeader } from '../components/states';
import { useNotify } from '../lib/notices';

/** How new alerts are grouped into incidents (`/api/v1/settings/incidents`); admins change them. */
export function CorrelationPage() {
  const session = useSession();
  const isAdmin = hasRole(session, 'admin');
  const { query, save } = useCorrelationSettings();
  const notify = useNotify();
  const [draft, setDraft] = useState<CorrelationSettings>();
  useEffect(() => {
    if (query.data) setDraft(query.data);
  }, [query.data]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft) save.mutate(draft, { onSuccess: () => notify('Correlation rules saved') });
  };
  const number = (key: keyof CorrelationSettings) => (event: React.ChangeEvent<HTMLInputElement>) =>
    setDraft((current) => current && { ...current, [key]: event.target.valueAsNumber });

  return (
    <>
      <PageHeader title="Correlation rules" />
      <p className="muted mb-3 max-w-3xl">
        A new alert joins an open incident of the same environment, active within the window, when its score reaches the
        threshold: same Alertmanager group (1.0), same service (0.8), or a near-identical title (similarity × weight).
      </p>
      {query.isPending || !draft ? <Loading /> : null}
      {query.isError ? <ProblemMessage error={query.error} /> : null}
      {draft ? (
        <form onSubmit={submit} className="panel flex max-w-xl flex-col gap-3 p-4" aria-label="Correlation rules">
          <fieldset disabled={!isAdmin || save.isPending} className="flex flex-col gap-3">
            <label className="flex items-center justify-between gap-3">
              <span>Window (minutes)</span>
              <input
                className="field w-28"
                type="number"
                min={1}
                max={1440}
                step={1}
                required
                value={draft.correlationWindowMinutes}
                onChange={number('correlationWindowMinutes')}
              />
            </label>
            <label className="flex items-center justify-between gap-3">
              <span>Threshold (0–1)</span>
              <input
                className="field w-28"
                type="number"
                min={0}
                max={1}
                step={0.05}
                required
                value={draft.correlationThreshold}
                onChange={number('correlationThreshold')}
              />
            </label>
            <label className="flex items-center justify-between gap-3">
              <span>Title similarity weight (0–1)</span>
              <input
                className="field w-28"
                type="number"
                min={0}
                max={1}
                step={0.05}
                required
                value={draft.titleSimilarityWeight}
                onChange={number('titleSimilarityWeight')}
              />
            </label>
            <label className="flex items-center gap-2">
              <input
                type="checkbox"
                checked={draft.resolveWhenAlertsResolve}
                onChange={(event) => setDraft({ ...draft, resolveWhenAlertsResolve: event.target.checked })}
              />
              <span>Resolve an incident when all its alerts resolve</span>
            </label>
          </fieldset>
          {save.isError ? <ProblemMessage error={save.error} /> : null}
          {isAdmin ? (
            <div>
              <button type="submit" className="button-primary" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save rules'}
              </button>
            </div>
          ) : (
            <p className="muted text-sm">Only admins change these rules.</p>
          )}
        </form>
      ) : null}
    </>
  );
}
