/**
 * The CLI's commands that work against a running enrolld (tokens export and import) speak its REST
 * API like any other client: a bearer key, the envelope, and an error as one line naming the code.
 */
export interface RemoteOptions {
  /** The server's base URL, e.g. https://enrolld.example.com */
  url: string;
  /** An API key (a service account's, or the root key). */
  token: string;
  /** The organization's id or slug. */
  organization: string;
}

export class RemoteError extends Error {
  override name = 'RemoteError';
}

/** GET a `/v1` path (relative to the organization) and answer the envelope's `data`. */
export async function getData<T>(remote: RemoteOptions, path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  const url = new URL(`/v1/organizations/${encodeURIComponent(remote.organization)}/${path}`, remote.url);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${remote.token}`, accept: 'application/json' } });
  } catch (error) {
    throw new RemoteError(`cannot reach ${remote.url}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
  }
  const body = (await response.json().catch(() => null)) as { status?: boolean; data?: T; error?: { code: number; message: string } } | null;
  if (!response.ok || body?.status !== true) {
    const error = body?.error;
    throw new RemoteError(error ? `${response.status} ${error.code}: ${error.message}` : `${url.pathname} answered ${response.status}`);
  }
  return body.data as T;
}
