import { problemOf, unreachable, type Problem } from './problem';

/**
 * Saves what the API serves at the path as a file of that name (fetched with the token: a plain
 * link would not carry it); null when it came, else the API's problem.
 */
export async function saveDownload(path: string, fileName: string, token: string | null): Promise<Problem | null> {
  try {
    const response = await fetch(path, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    if (!response.ok) {
      return await problemOf(response);
    }
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return null;
  } catch (e) {
    return unreachable(e);
  }
}

/** Saves a document's original as uploaded; null when it came, else the API's problem. */
export function openOriginal(id: string, fileName: string, token: string | null): Promise<Problem | null> {
  return saveDownload(`/api/v1/documents/${id}/content`, fileName, token);
}
