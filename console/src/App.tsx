/**
 * The console's top level: find out whether this tab is signed in, show the sign-in form when it
 * is not, and the signed-in shell when it is. Any answer 401 (the session ended: idle, signed out
 * elsewhere, the key revoked) comes back here with a message.
 */
import { EnrolldError } from '@enrolld/client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { type OpenSession, resumeSession, signOut } from './api.ts';
import { clearBulkJobs } from './bulk-jobs.ts';
import { useI18n } from './i18n/index.tsx';
import { SignIn } from './screens/SignIn.tsx';
import { Shell } from './Shell.tsx';

type State = { kind: 'checking' } | { kind: 'signedOut'; ended: boolean } | { kind: 'signedIn'; session: OpenSession; queryClient: QueryClient };

/** A new cache for each sign-in (nothing one key read is shown to the next); a 401 anywhere ends it. */
function newQueryClient(onSessionEnded: () => void): QueryClient {
  const endedOn401 = (error: unknown) => {
    if (error instanceof EnrolldError && error.status === 401) onSessionEnded();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError: endedOn401 }),
    mutationCache: new MutationCache({ onError: endedOn401 }),
    defaultOptions: {
      // The client repeats what is worth repeating itself; a refused request is final. Every
      // screen reads afresh when it opens (what it showed last time is shown meanwhile).
      queries: { retry: false, staleTime: 0, refetchOnWindowFocus: true },
    },
  });
}

export function App() {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ kind: 'checking' });

  const enter = useCallback(
    (session: OpenSession) => setState({ kind: 'signedIn', session, queryClient: newQueryClient(() => setState({ kind: 'signedOut', ended: true })) }),
    [],
  );

  useEffect(() => {
    resumeSession().then(
      (session) => (session ? enter(session) : setState({ kind: 'signedOut', ended: false })),
      () => setState({ kind: 'signedOut', ended: false }),
    );
  }, [enter]);

  if (state.kind === 'checking') return <p className="loading">{t.common.loading}</p>;
  if (state.kind === 'signedOut') return <SignIn ended={state.ended} onSignedIn={enter} />;
  return (
    <QueryClientProvider client={state.queryClient}>
      <Shell
        session={state.session}
        onSignOut={async () => {
          await signOut(state.session.client).catch(() => undefined);
          clearBulkJobs();
          setState({ kind: 'signedOut', ended: false });
        }}
      />
    </QueryClientProvider>
  );
}
