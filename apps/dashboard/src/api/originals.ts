import { problemOf, unreachable, type Problem } from './problem';

/**
 * Saves a document's original as uploaded (fetched with the token: a plain link would not carry
 * it); null when it came, else the API's problem.
 */
export async function openOriginal(id: string, fileName: string, token: string | null): Promise<Problem | null> {
  try {
    const response = await fetch(`/api/v1/documents/${id}/content`, {
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
