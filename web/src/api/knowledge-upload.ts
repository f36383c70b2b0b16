import { ApiProblem, type Paths } from './client';

/**
 * The one request the generated client cannot make: a multipart upload with progress. The Fetch API reports no upload
 * progress, so this uses XMLHttpRequest; the path and the answer are still typed from the OpenAPI document.
 */
const uploadPath = '/api/v1/knowledge/documents' satisfies keyof Paths;

export type UploadKind = 'runbook' | 'postmortem' | 'doc';
export type UploadAccepted =
  Paths['/api/v1/knowledge/documents']['post']['responses'][202]['content']['application/json'];

export interface UploadRequest {
  file: File;
  title?: string;
  kind: UploadKind;
  tags: string[];
  /** Bytes sent so far and the request's total (the multipart body, slightly more than the file). */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

export function uploadDocument(request: UploadRequest): Promise<UploadAccepted> {
  const form = new FormData();
  // Fields before the file: the server reads the parts in order and the file is streamed, not buffered.
  if (request.title?.trim()) form.append('title', request.title.trim());
  form.append('kind', request.kind);
  if (request.tags.length > 0) form.append('tags', request.tags.join(','));
  form.append('file', request.file, request.file.name);

  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', uploadPath);
    xhr.withCredentials = true;
    xhr.responseType = 'text';
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) request.onProgress?.(event.loaded, event.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status === 202) resolve(body as UploadAccepted);
      else reject(problemOf(xhr, body));
    };
    xhr.onerror = () =>
      reject(
        new ApiProblem({
          status: 0,
          title: 'Upload failed',
          detail: 'The upload did not reach Aurora. Check the network or whether the server is running.',
        }),
      );
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    request.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

function problemOf(xhr: XMLHttpRequest, body: unknown): ApiProblem {
  const headers = new Headers();
  const requestId = xhr.getResponseHeader('x-request-id');
  if (requestId) headers.set('x-request-id', requestId);
  return ApiProblem.fromResponse(new Response(null, { status: xhr.status, statusText: xhr.statusText, headers }), body);
}
