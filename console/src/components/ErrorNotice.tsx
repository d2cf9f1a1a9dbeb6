/**
 * An API error as a person reads it: the server's message, each refused field with its rule
 * (a 3000 names them), and the request id to find it in the server's log.
 */
import { EnrolldError } from '@enrolld/client';
import { useI18n } from '../i18n/index.tsx';

export function ErrorNotice({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  if (!(error instanceof EnrolldError)) return <p role="alert" className="error">{String((error as Error).message ?? error)}</p>;
  return (
    <div role="alert" className="error">
      <p>{error.message.replace(/^\d+ \d+: /, '')}</p>
      {error.problems.length > 0 && (
        <ul>
          {error.problems.map((problem) => (
            <li key={problem.path}><code>{problem.path}</code>: {problem.message}</li>
          ))}
        </ul>
      )}
      {error.requestId && <p className="hint">{t.common.requestId}: <code>{error.requestId}</code></p>}
    </div>
  );
}

/** The problems of a 3000 that name one field (`/body/<field>…`), to show beside that field. */
export function fieldProblems(error: unknown, field: string): string[] {
  if (!(error instanceof EnrolldError)) return [];
  return error.problems.filter((problem) => problem.path === `/body/${field}` || problem.path.startsWith(`/body/${field}/`)).map((problem) => problem.message);
}
