import { type DragEvent, type FormEvent, useId, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import {
  type DocumentKind,
  type DocumentProgress,
  documentKinds,
  formatBytes,
  type KnowledgeDocument,
  type SearchResult,
  uploadKinds,
  useDocumentActions,
  useKnowledgeDocuments,
  useKnowledgeSearch,
  useKnowledgeStream,
} from '../api/knowledge';
import { type UploadKind, uploadDocument } from '../api/knowledge-upload';
import { hasRole, useSession } from '../api/session';
import { ConfirmDialog } from '../components/dialog';
import { ProblemMessage } from '../components/problem-message';
import { Empty, Loading, PageHeader } from '../components/states';
import { highlight, queryTerms, snippetAround } from '../lib/highlight';
import { useNotify } from '../lib/notices';
import { formatAbsolute, formatRelative, useNow } from '../lib/time';

/** Runbooks, postmortems and docs that investigations and chat search: upload, follow indexing live, search. */
export function KnowledgePage() {
  const session = useSession();
  const canEdit = hasRole(session, 'editor');
  const stream = useKnowledgeStream();
  return (
    <>
      <PageHeader title="Knowledge base">
        <span className="muted flex items-center gap-1.5 text-xs" data-testid="knowledge-stream">
          <span
            aria-hidden
            className={`inline-block size-2 rounded-full ${stream.live ? 'bg-emerald-500' : 'animate-pulse bg-amber-500'}`}
          />
          {stream.live ? 'Indexing status is live' : 'Connecting to live status…'}
        </span>
      </PageHeader>
      <div className="grid gap-4 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <div className="flex min-w-0 flex-col gap-4">
          {canEdit ? (
            <UploadPanel />
          ) : (
            <p className="muted text-sm">You have the viewer role: you can search but not upload or delete.</p>
          )}
          <SearchPanel />
        </div>
        <DocumentList canEdit={canEdit} progress={stream.progress} />
      </div>
    </>
  );
}

// ------------------------------------------------------------------------------------------------------- upload

interface UploadItem {
  key: number;
  name: string;
  bytes: number;
  sent: number;
  total: number;
  state: 'uploading' | 'accepted' | 'failed';
  error?: unknown;
  documentId?: string;
}

let nextUploadKey = 1;

function UploadPanel() {
  const [kind, setKind] = useState<UploadKind>('runbook');
  const [tags, setTags] = useState('');
  const [title, setTitle] = useState('');
  const [dragging, setDragging] = useState(false);
  const [uploads, setUploads] = useState<UploadItem[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const { refresh } = useDocumentActions();
  // The unfiltered list (the same query the document list uses by default) says how each upload's indexing went.
  const documents = useKnowledgeDocuments('');
  const statusById = new Map(
    (documents.data?.pages.flatMap((page) => page.items) ?? []).map((document) => [document.id, document]),
  );
  const titleId = useId();

  const update = (key: number, change: Partial<UploadItem>) =>
    setUploads((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const start = (files: File[]) => {
    if (files.length === 0) return;
    const tagList = tags
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    // A typed title names a single file; several files keep their own names.
    const fileTitle = files.length === 1 ? title : '';
    for (const file of files) {
      const key = nextUploadKey++;
      setUploads((current) => [
        { key, name: file.name, bytes: file.size, sent: 0, total: file.size, state: 'uploading' },
        ...current.slice(0, 19),
      ]);
      uploadDocument({
        file,
        kind,
        tags: tagList,
        title: fileTitle,
        onProgress: (sent, total) => update(key, { sent, total }),
      })
        .then((accepted) => {
          update(key, { state: 'accepted', documentId: accepted.id });
          void refresh();
        })
        .catch((error: unknown) => update(key, { state: 'failed', error }));
    }
    setTitle('');
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    start([...event.dataTransfer.files]);
  };

  return (
    <section aria-labelledby={titleId} className="panel p-3">
      <h2 id={titleId} className="mb-2 font-semibold">
        Upload documents
      </h2>
      <div className="mb-2 grid gap-2 sm:grid-cols-3">
        <label className="flex flex-col gap-0.5">
          <span className="muted text-xs font-medium uppercase">Kind</span>
          <select className="field" value={kind} onChange={(event) => setKind(event.target.value as UploadKind)}>
            {uploadKinds.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-0.5">
          <span className="muted text-xs font-medium uppercase">Tags</span>
          <input
            className="field"
            value={tags}
            onChange={(event) => setTags(event.target.value)}
            placeholder="checkout, payments"
          />
        </label>
        <label className="flex flex-col gap-0.5">
          <span className="muted text-xs font-medium uppercase">Title (one file)</span>
          <input
            className="field"
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            placeholder="from the file"
          />
        </label>
      </div>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for mice; the button inside is the keyboard way */}
      <div
        data-testid="drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        className={`flex flex-col items-center gap-2 rounded-md border-2 border-dashed px-4 py-6 text-center ${dragging ? 'border-amber-500 bg-amber-50 dark:bg-amber-500/10' : 'border-zinc-300 dark:border-zinc-700'}`}
      >
        <p>Drop PDF, DOCX, Markdown, HTML or text files here</p>
        <button type="button" className="button" onClick={() => fileInput.current?.click()}>
          Choose files…
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          className="sr-only"
          aria-label="Files to upload"
          accept=".pdf,.docx,.md,.markdown,.txt,.html,.htm,application/pdf,text/*"
          onChange={(event) => {
            start([...(event.target.files ?? [])]);
            event.target.value = '';
          }}
        />
      </div>
      {uploads.length > 0 ? (
        <ul className="mt-3 flex flex-col gap-2" aria-label="Uploads" data-testid="uploads">
          {uploads.map((item) => (
            <UploadRow
              key={item.key}
              item={item}
              document={item.documentId ? statusById.get(item.documentId) : undefined}
            />
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function UploadRow({ item, document }: { item: UploadItem; document: KnowledgeDocument | undefined }) {
  const percent = item.total > 0 ? Math.min(100, Math.round((item.sent / item.total) * 100)) : 0;
  const indexing =
    document?.status === 'indexed'
      ? 'indexed'
      : document?.status === 'failed'
        ? 'indexing failed'
        : 'uploaded, indexing…';
  return (
    <li className="text-sm" data-upload-state={item.state}>
      <div className="flex items-center gap-2">
        <span className="min-w-0 flex-1 truncate font-medium">{item.name}</span>
        <span className="muted text-xs tabular-nums">{formatBytes(item.bytes)}</span>
        <span
          className={`text-xs ${item.state === 'failed' || document?.status === 'failed' ? 'font-medium text-red-700 dark:text-red-300' : document?.status === 'indexed' ? 'text-emerald-700 dark:text-emerald-300' : ''}`}
        >
          {item.state === 'uploading' ? `${percent}%` : item.state === 'accepted' ? indexing : 'upload failed'}
        </span>
      </div>
      <progress
        className="mt-1 h-1.5 w-full accent-amber-500"
        max={100}
        value={item.state === 'uploading' ? percent : 100}
        aria-label={`Upload of ${item.name}`}
      />
      {item.state === 'failed' ? <ProblemMessage error={item.error} className="mt-1" /> : null}
    </li>
  );
}

// ------------------------------------------------------------------------------------------------------- search

function SearchPanel() {
  const [draft, setDraft] = useState({ q: '', kind: '' as DocumentKind | '', limit: 10 });
  const [search, setSearch] = useState(draft);
  const results = useKnowledgeSearch(search);
  const titleId = useId();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSearch({ ...draft, q: draft.q.trim() });
  };
  const terms = queryTerms(search.q);
  return (
    <section aria-labelledby={titleId} className="panel p-3">
      <h2 id={titleId} className="mb-2 font-semibold">
        Search
      </h2>
      <search>
        <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-2">
          <label className="flex min-w-48 flex-1 flex-col gap-0.5">
            <span className="muted text-xs font-medium uppercase">Query</span>
            <input
              className="field"
              type="search"
              value={draft.q}
              onChange={(event) => setDraft({ ...draft, q: event.target.value })}
              placeholder="how to roll back checkout"
            />
          </label>
          <label className="flex flex-col gap-0.5">
            <span className="muted text-xs font-medium uppercase">Kind</span>
            <select
              className="field"
              value={draft.kind}
              onChange={(event) => setDraft({ ...draft, kind: event.target.value as DocumentKind | '' })}
            >
              <option value="">any</option>
              {documentKinds.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-0.5">
            <span className="muted text-xs font-medium uppercase">Results</span>
            <select
              className="field"
              value={draft.limit}
              onChange={(event) => setDraft({ ...draft, limit: Number(event.target.value) })}
            >
              {[5, 10, 20, 50].map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button-primary" disabled={!draft.q.trim()}>
            Search
          </button>
        </form>
      </search>
      <div className="mt-3" aria-live="polite">
        {results.isFetching && !results.data ? <Loading label="Searching…" /> : null}
        {results.isError ? <ProblemMessage error={results.error} /> : null}
        {results.data ? (
          <>
            <p className="muted mb-2 text-xs">
              {results.data.results.length} result{results.data.results.length === 1 ? '' : 's'} ·{' '}
              {results.data.mode === 'hybrid' ? 'full-text and vectors' : 'full-text only'}
              {results.data.note ? ` · ${results.data.note}` : ''}
            </p>
            {results.data.results.length === 0 ? (
              <Empty title="Nothing matches">Try other words, or another kind.</Empty>
            ) : (
              <ol className="flex flex-col gap-2" data-testid="search-results">
                {results.data.results.map((result) => (
                  <SearchResultCard key={result.chunkId} result={result} terms={terms} />
                ))}
              </ol>
            )}
          </>
        ) : null}
      </div>
    </section>
  );
}

function SearchResultCard({ result, terms }: { result: SearchResult; terms: string[] }) {
  const [whole, setWhole] = useState(false);
  const snippet = snippetAround(result.text, terms);
  return (
    <li className="rounded border border-zinc-200 px-3 py-2 dark:border-zinc-800" data-document-id={result.documentId}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{result.title}</span>
        <KindBadge kind={result.kind} />
        {result.page !== null ? <span className="muted text-xs">page {result.page}</span> : null}
        <span className="muted ml-auto font-mono text-xs" title="Relevance score">
          score {result.score.toFixed(3)}
        </span>
      </div>
      {result.headingPath.length > 0 ? (
        <p className="muted mt-0.5 text-xs">
          <span className="sr-only">Section: </span>
          {result.headingPath.join(' › ')}
        </p>
      ) : null}
      <p className="mt-1 text-sm break-words whitespace-pre-wrap" data-testid="search-snippet">
        {highlight(whole ? result.text : snippet, terms)}
      </p>
      {snippet !== result.text ? (
        <button type="button" className="mt-1 text-xs underline" onClick={() => setWhole(!whole)}>
          {whole ? 'Show less' : 'Show the whole passage'}
        </button>
      ) : null}
    </li>
  );
}

// ---------------------------------------------------------------------------------------------------- documents

function KindBadge({ kind }: { kind: string }) {
  return (
    <span className="rounded border border-zinc-300 px-1.5 text-[11px] font-medium uppercase dark:border-zinc-600">
      {kind}
    </span>
  );
}

const statusStyles: Record<string, string> = {
  processing: 'border-sky-400 text-sky-800 dark:border-sky-600 dark:text-sky-300',
  indexed: 'border-emerald-500 text-emerald-800 dark:border-emerald-600 dark:text-emerald-300',
  failed: 'border-red-500 bg-red-50 text-red-800 dark:border-red-600 dark:bg-red-950/50 dark:text-red-300',
};

function DocumentStatusBadge({ document, progress }: { document: KnowledgeDocument; progress?: DocumentProgress }) {
  const detail =
    document.status === 'processing' && progress?.stage
      ? `${progress.stage}${progress.total ? ` ${progress.done ?? 0}/${progress.total}` : ''}`
      : undefined;
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full border px-2 py-px text-xs font-medium ${statusStyles[document.status] ?? ''}`}
      data-testid="document-status"
      data-status={document.status}
    >
      {document.status === 'processing' ? (
        <span
          aria-hidden
          className="inline-block size-2.5 animate-spin rounded-full border-2 border-current border-t-transparent"
        />
      ) : null}
      {document.status}
      {detail ? <span className="font-normal">· {detail}</span> : null}
    </span>
  );
}

function DocumentList({ canEdit, progress }: { canEdit: boolean; progress: ReadonlyMap<string, DocumentProgress> }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const kind = (searchParams.get('kind') ?? '') as DocumentKind | '';
  const documents = useKnowledgeDocuments(kind);
  const actions = useDocumentActions();
  const notify = useNotify();
  const now = useNow();
  const [deleting, setDeleting] = useState<KnowledgeDocument>();
  const items = documents.data?.pages.flatMap((page) => page.items) ?? [];
  const titleId = useId();
  return (
    <section aria-labelledby={titleId} className="min-w-0">
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <h2 id={titleId} className="font-semibold">
          Documents
        </h2>
        <label className="ml-auto flex items-center gap-1">
          <span className="muted text-xs font-medium uppercase">Kind</span>
          <select
            className="field py-0.5"
            value={kind}
            onChange={(event) => {
              const next = new URLSearchParams(searchParams);
              if (event.target.value) next.set('kind', event.target.value);
              else next.delete('kind');
              setSearchParams(next, { replace: true });
            }}
          >
            <option value="">any</option>
            {documentKinds.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
      </div>
      {documents.isPending ? <Loading label="Loading documents…" /> : null}
      {documents.isError ? <ProblemMessage error={documents.error} /> : null}
      {documents.isSuccess && items.length === 0 ? (
        <Empty title={kind ? `No ${kind} documents` : 'No documents yet'}>
          {canEdit
            ? 'Upload runbooks and postmortems: investigations and chat cite them.'
            : 'An editor can upload runbooks and postmortems.'}
        </Empty>
      ) : null}
      {items.length > 0 ? (
        <div className="panel overflow-x-auto">
          <table className="w-full border-collapse text-left text-sm">
            <caption className="sr-only">Knowledge documents, newest first</caption>
            <thead className="muted border-b border-zinc-200 text-xs uppercase dark:border-zinc-800">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Document
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Status
                </th>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">
                  Pages
                </th>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">
                  Chunks
                </th>
                <th scope="col" className="px-3 py-1.5 text-right font-medium">
                  Size
                </th>
                <th scope="col" className="px-3 py-1.5 font-medium">
                  Added
                </th>
                {canEdit ? (
                  <th scope="col" className="px-3 py-1.5 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody data-testid="documents">
              {items.map((document) => (
                <tr
                  key={document.id}
                  data-document-id={document.id}
                  className="border-b border-zinc-100 align-top last:border-0 dark:border-zinc-800/70"
                >
                  <td className="max-w-[24rem] px-3 py-1.5">
                    <span className="block font-medium break-words">{document.title}</span>
                    <span className="muted flex flex-wrap items-center gap-1 text-xs">
                      <KindBadge kind={document.kind} />
                      {document.fileName && document.fileName !== document.title ? (
                        <span className="font-mono">{document.fileName}</span>
                      ) : null}
                      {document.tags.map((tag) => (
                        <span
                          key={tag}
                          className="rounded bg-zinc-100 px-1 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
                        >
                          #{tag}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td className="px-3 py-1.5">
                    <DocumentStatusBadge document={document} progress={progress.get(document.id)} />
                    {document.error ? (
                      <p
                        className={`mt-1 max-w-64 text-xs ${document.status === 'failed' ? 'text-red-700 dark:text-red-300' : 'muted'}`}
                        data-testid="document-error"
                      >
                        {document.error}
                      </p>
                    ) : null}
                  </td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{document.pages ?? '—'}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{document.chunks}</td>
                  <td className="px-3 py-1.5 text-right whitespace-nowrap tabular-nums">
                    {formatBytes(document.bytes)}
                  </td>
                  <td className="px-3 py-1.5 whitespace-nowrap">
                    <time dateTime={document.createdAt} title={formatAbsolute(document.createdAt)}>
                      {formatRelative(document.createdAt, Math.max(now, new Date(document.createdAt).getTime()))}
                    </time>
                  </td>
                  {canEdit ? (
                    <td className="px-3 py-1.5 whitespace-nowrap">
                      <div className="flex gap-1">
                        <button
                          type="button"
                          className="button py-0.5 text-xs"
                          disabled={document.status === 'processing' || actions.reindex.isPending}
                          aria-label={`Re-index ${document.title}`}
                          onClick={() =>
                            actions.reindex.mutate(document.id, {
                              onSuccess: () => notify(`Re-indexing ${document.title}`),
                              onError: (error) => notify(error.message, { tone: 'error' }),
                            })
                          }
                        >
                          Re-index
                        </button>
                        <button
                          type="button"
                          className="button py-0.5 text-xs"
                          aria-label={`Delete ${document.title}`}
                          onClick={() => setDeleting(document)}
                        >
                          Delete
                        </button>
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {documents.hasNextPage ? (
        <div className="mt-3 flex justify-center">
          <button
            type="button"
            className="button"
            disabled={documents.isFetchingNextPage}
            onClick={() => documents.fetchNextPage()}
          >
            {documents.isFetchingNextPage ? 'Loading…' : 'Load older documents'}
          </button>
        </div>
      ) : null}
      <ConfirmDialog
        open={deleting !== undefined}
        onOpenChange={(open) => {
          if (!open) {
            setDeleting(undefined);
            actions.remove.reset();
          }
        }}
        title={`Delete “${deleting?.title ?? ''}”?`}
        description="Its file, chunks and vectors are removed. Investigations and chat will no longer find it."
        confirmLabel="Delete document"
        pending={actions.remove.isPending}
        error={actions.remove.isError ? <ProblemMessage error={actions.remove.error} /> : null}
        onConfirm={() =>
          deleting &&
          actions.remove.mutate(deleting.id, {
            onSuccess: () => {
              notify(`Deleted ${deleting.title}`);
              setDeleting(undefined);
            },
          })
        }
      />
    </section>
  );
}
