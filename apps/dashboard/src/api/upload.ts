import { problemOf, type Problem } from './problem';

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * Uploads one file as multipart (XMLHttpRequest: fetch cannot report upload progress); resolves
 * with the answer's body (the document), rejects with the API's problem.
 */
export function uploadFile<T>(
  url: string,
  token: string | null,
  form: FormData,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    if (token) {
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    }
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) {
        onProgress({ loaded: e.loaded, total: e.total });
      }
    };
    xhr.onload = () => {
      const response = new Response(xhr.responseText, {
        status: xhr.status,
        headers: {
          'Content-Type': xhr.getResponseHeader('Content-Type') ?? '',
          'X-Request-Id': xhr.getResponseHeader('X-Request-Id') ?? '',
        },
      });
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(JSON.parse(xhr.responseText) as T);
      } else {
        void problemOf(response).then(reject);
      }
    };
    xhr.onerror = () => reject({ title: 'unreachable', status: 0, detail: 'the upload was interrupted' } satisfies Problem);
    xhr.onabort = () => reject({ title: 'cancelled', status: 0, detail: 'the upload was cancelled' } satisfies Problem);
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}
