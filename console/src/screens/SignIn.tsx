import { useState } from 'react';
import { type OpenSession, signIn } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { LanguagePicker } from '../components/LanguagePicker.tsx';
import { useI18n } from '../i18n/index.tsx';

export function SignIn({ ended, onSignedIn }: { ended: boolean; onSignedIn(session: OpenSession): void }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  return (
    <main className="sign-in" id="content">
      <form
        className="card"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const session = await signIn(key.trim());
            setKey('');
            onSignedIn(session);
          } catch (failure) {
            setError(failure);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>{t.signIn.title}</h1>
        {ended && <p role="status" className="notice">{t.signIn.ended}</p>}
        <label htmlFor="api-key">{t.signIn.key}</label>
        <input id="api-key" type="password" autoComplete="off" spellCheck={false} required value={key} onChange={(event) => setKey(event.target.value)} aria-describedby="api-key-hint" />
        <p id="api-key-hint" className="hint">{t.signIn.keyHint}</p>
        <ErrorNotice error={error} />
        <button type="submit" className="primary" disabled={busy}>{t.signIn.submit}</button>
        <LanguagePicker />
      </form>
    </main>
  );
}
