/**
 * Who is signed in, the client that speaks for them, and the organization the screens show.
 * A service account's key belongs to one organization; the root key picks one (remembered for
 * this tab).
 */
import type { EnrolldClient } from '@enrolld/client';
import { createContext, useContext } from 'react';
import { mayDo, type SignedInAs } from './api.ts';

export interface Session {
  client: EnrolldClient;
  signedInAs: SignedInAs;
  /** The organization every screen addresses (id). */
  organizationId: string;
  may(permission: string): boolean;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

export function sessionOf(client: EnrolldClient, signedInAs: SignedInAs, organizationId: string): Session {
  return { client, signedInAs, organizationId, may: (permission) => mayDo(signedInAs, permission) };
}
