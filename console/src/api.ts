/**
 * The console's only way to the server: @enrolld/client on this origin, with the session cookie
 * instead of a key. Signing in exchanges the key for that cookie (HttpOnly, so no script here
 * can read it) and a CSRF token that every change repeats. The key itself is never stored.
 *
 * Decision: the CSRF token lives in sessionStorage, so a reload of the tab keeps the session and a
 * new tab or a closed browser asks for the key again. The token alone cannot act: a request also
 * needs the cookie, which SameSite=Strict keeps off every other site's requests.
 */
import { createEnrolldClient, type EnrolldClient, EnrolldError, type Schemas } from '@enrolld/client';

export type SignedInAs = Schemas['SignedInAs'];

const CSRF_STORAGE_KEY = 'enrolld.csrfToken';

function clientWith(csrfToken?: string): EnrolldClient {
  return createEnrolldClient({ baseUrl: window.location.origin, csrfToken, attempts: 3 });
}

export interface OpenSession {
  client: EnrolldClient;
  signedInAs: SignedInAs;
}

/** The session this tab already has (after a reload), or null when it must sign in. */
export async function resumeSession(): Promise<OpenSession | null> {
  const csrfToken = sessionStorage.getItem(CSRF_STORAGE_KEY);
  if (!csrfToken) return null;
  const client = clientWith(csrfToken);
  try {
    return { client, signedInAs: await client.unwrap(client.api.GET('/v1/session')) };
  } catch (error) {
    if (error instanceof EnrolldError && error.status === 401) {
      sessionStorage.removeItem(CSRF_STORAGE_KEY);
      return null;
    }
    throw error;
  }
}

export async function signIn(key: string): Promise<OpenSession> {
  const anonymous = clientWith();
  const opened = await anonymous.unwrap(anonymous.api.POST('/v1/session', { body: { key } }));
  sessionStorage.setItem(CSRF_STORAGE_KEY, opened.csrfToken);
  return { client: clientWith(opened.csrfToken), signedInAs: opened.signedInAs };
}

export async function signOut(client: EnrolldClient): Promise<void> {
  sessionStorage.removeItem(CSRF_STORAGE_KEY);
  try {
    await client.unwrap(client.api.DELETE('/v1/session'));
  } catch (error) {
    // An ended session is signed out already.
    if (!(error instanceof EnrolldError && error.status === 401)) throw error;
  }
}

/** What a key may do, as the server decides it: the root key everything, a service account its list. */
export function mayDo(signedInAs: SignedInAs, permission: string): boolean {
  return signedInAs.kind === 'root' || signedInAs.permissions.includes(permission);
}
