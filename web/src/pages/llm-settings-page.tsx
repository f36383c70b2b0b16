import { type FormEvent, useEffect, useState } from 'react';
import { type LlmProvider, type LlmSettings, llmProviders, useLlmSettings } from '../api/chat';
import { hasRole, useSession } from '../api/session';
import { ProblemMessage } from '../components/problem-message';
import { Loading, PageHeader } from '../components/states';
import { useNotify } from '../lib/notices';

const providerLabels: Record<LlmProvider, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google (Gemini)',
  openrouter: 'OpenRouter',
  ollama: 'Ollama',
  'openai-compatible': 'OpenAI-compatible (vLLM, LM Studio, …)',
};

const sourceText: Record<LlmSettings['source'], string> = {
  organization: 'This organization’s own settings are in use.',
  environment: 'The server’s environment settings are in use (LLM_* variables). Saving here overrides them.',
  none: 'No model is configured: chat and the agent are off; investigations still run without a model.',
};

type KeyAction = 'keep' | 'replace' | 'remove';

export function LlmSettingsPage() {
  const session = useSession();
  if (!hasRole(session, 'admin')) {
    return (
      <>
        <PageHeader title="Model provider" />
        <p className="muted">Only an admin can see and change the model settings.</p>
      </>
    );
  }
  return <LlmSettingsForm />;
}

function LlmSettingsForm() {
  const { query, save, test } = useLlmSettings();
  const notify = useNotify();
  const [provider, setProvider] = useState<LlmProvider>('openai');
  const [baseUrl, setBaseUrl] = useState('');
  const [model, setModel] = useState('');
  const [rcaModel, setRcaModel] = useState('');
  const [summaryModel, setSummaryModel] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [keyAction, setKeyAction] = useState<KeyAction>('keep');

  // The form starts from what the server has (never a key: it is write-only).
  useEffect(() => {
    const settings = query.data;
    if (!settings) return;
    setProvider(settings.provider ?? 'openai');
    setBaseUrl(settings.baseUrl ?? '');
    setModel(settings.model ?? '');
    setRcaModel(settings.rcaModel ?? '');
    setSummaryModel(settings.summaryModel ?? '');
    setKeyAction(settings.hasApiKey ? 'keep' : 'replace');
  }, [query.data]);

  if (query.isPending) return <Loading />;
  if (query.isError) return <ProblemMessage error={query.error} />;
  const settings = query.data;
  const needsBaseUrl = provider === 'openai-compatible' || provider === 'ollama';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      {
        provider,
        baseUrl: baseUrl.trim() || null,
        model: model.trim(),
        rcaModel: rcaModel.trim() || null,
        summaryModel: summaryModel.trim() || null,
        // Omitted keeps the stored key; null removes it.
        ...(keyAction === 'replace' && apiKey ? { apiKey } : keyAction === 'remove' ? { apiKey: null } : {}),
      },
      {
        onSuccess: () => {
          setApiKey('');
          notify('Model settings saved');
        },
      },
    );
  };

  return (
    <>
      <PageHeader title="Model provider" />
      <p className="muted mb-1 max-w-3xl">
        The language model behind chat, the agent and investigation summaries. Keys go to the secret store and are never
        shown again, here or in the API.
      </p>
      <p className="mb-3 max-w-3xl text-sm" data-testid="llm-source">
        {sourceText[settings.source]}
      </p>
      <form onSubmit={submit} className="panel flex max-w-2xl flex-col gap-3 p-3" aria-label="Model settings">
        <label className="flex flex-col gap-0.5">
          <span className="text-sm font-medium">Provider</span>
          <select
            className="field"
            value={provider}
            onChange={(event) => setProvider(event.target.value as LlmProvider)}
          >
            {llmProviders.map((entry) => (
              <option key={entry} value={entry}>
                {providerLabels[entry]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-0.5">
          <span className="text-sm font-medium">Base URL {needsBaseUrl ? '' : '(optional)'}</span>
          <input
            className="field"
            type="url"
            value={baseUrl}
            required={provider === 'openai-compatible'}
            placeholder={provider === 'ollama' ? 'http://ollama.internal:11434/v1' : 'https://…/v1'}
            onChange={(event) => setBaseUrl(event.target.value)}
          />
        </label>
        <label className="flex flex-col gap-0.5">
          <span className="text-sm font-medium">Chat model</span>
          <input
            className="field"
            required
            value={model}
            maxLength={200}
            placeholder="e.g. gpt-4.1-mini, claude-sonnet-4-5"
            onChange={(event) => setModel(event.target.value)}
          />
        </label>
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="flex flex-col gap-0.5">
            <span className="text-sm font-medium">Investigation model (optional)</span>
            <input
              className="field"
              value={rcaModel}
              maxLength={200}
              placeholder="defaults to the chat model"
              onChange={(event) => setRcaModel(event.target.value)}
            />
          </label>
          <label className="flex flex-col gap-0.5">
            <span className="text-sm font-medium">Summary model (optional)</span>
            <input
              className="field"
              value={summaryModel}
              maxLength={200}
              placeholder="defaults to the chat model"
              onChange={(event) => setSummaryModel(event.target.value)}
            />
          </label>
        </div>
        <fieldset className="flex flex-col gap-1">
          <legend className="text-sm font-medium">API key</legend>
          <p className="muted text-sm" data-testid="llm-key-state">
            {settings.hasApiKey ? 'A key is stored. It is never displayed.' : 'No key is stored.'}
          </p>
          {settings.hasApiKey ? (
            <div className="flex flex-wrap gap-3 text-sm">
              {(['keep', 'replace', 'remove'] as const).map((action) => (
                <label key={action} className="flex items-center gap-1">
                  <input
                    type="radio"
                    name="key-action"
                    value={action}
                    checked={keyAction === action}
                    onChange={() => setKeyAction(action)}
                  />
                  {action === 'keep' ? 'Keep the stored key' : action === 'replace' ? 'Replace it' : 'Remove it'}
                </label>
              ))}
            </div>
          ) : null}
          {keyAction === 'replace' ? (
            <label className="flex flex-col gap-0.5">
              <span className="sr-only">New API key</span>
              <input
                className="field font-mono"
                type="password"
                autoComplete="off"
                value={apiKey}
                maxLength={4000}
                placeholder={provider === 'ollama' ? 'not needed for Ollama' : 'paste the key'}
                aria-label="New API key"
                onChange={(event) => setApiKey(event.target.value)}
              />
            </label>
          ) : null}
        </fieldset>
        {save.isError ? <ProblemMessage error={save.error} /> : null}
        <div className="flex flex-wrap items-center gap-2">
          <button type="submit" className="button-primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="button" disabled={test.isPending} onClick={() => test.mutate()}>
            {test.isPending ? 'Testing…' : 'Test connection'}
          </button>
          <span className="muted text-xs">The test uses the saved settings.</span>
        </div>
        {test.isError ? <ProblemMessage error={test.error} /> : null}
        {test.data ? (
          <p
            role="status"
            data-testid="llm-test-result"
            className={`rounded border px-2 py-1 text-sm ${test.data.ok ? 'border-emerald-500 text-emerald-800 dark:text-emerald-300' : 'border-red-500 text-red-800 dark:text-red-300'}`}
          >
            {test.data.ok
              ? `Connected: ${test.data.provider ?? ''}/${test.data.model ?? ''} answered in ${test.data.latencyMs} ms.`
              : `Failed${test.data.model ? ` (${test.data.provider}/${test.data.model})` : ''}: ${test.data.error ?? 'no answer'}`}
          </p>
        ) : null}
      </form>
    </>
  );
}
