/**
 * Android's connection to Google's Android Management API: local mode (enrolld makes Android
 * tokens itself), or amapi with the enterprise, the service account key (sent once, never shown
 * back) and how Pub/Sub pushes authenticate; the push endpoint to give Google is shown to copy.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CopyButton } from '../../components/CopyButton.tsx';
import { Field } from '../../components/Field.tsx';
import { ErrorNotice, fieldProblems } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { textOf } from './integration-query.ts';

const AMAPI = '/v1/organizations/{organizationId}/mdm/android/enterprise/integrations/amapi';

export function AmapiConnection() {
  const { t } = useI18n();
  const { client, organizationId, may } = useSession();
  const queryClient = useQueryClient();
  const path = { organizationId };
  const queryKey = ['android-integration', organizationId];
  const current = useQuery({ queryKey, queryFn: () => client.unwrap(client.api.GET(AMAPI, { params: { path } })) });
  const refresh = () => queryClient.invalidateQueries({ queryKey });
  const [keyFileError, setKeyFileError] = useState<string | null>(null);
  const connect = useMutation({ mutationFn: (body: Record<string, unknown>) => client.unwrap(client.api.PUT(AMAPI, { params: { path }, body: body as never })), onSuccess: refresh });
  const disconnect = useMutation({ mutationFn: () => client.unwrap(client.api.DELETE(AMAPI, { params: { path } })), onSuccess: refresh });
  const connection = current.data;
  const problems = (field: string) => fieldProblems(connect.error, field);

  return (
    <section aria-labelledby="amapi-title" className="stack">
      <h2 id="amapi-title">{t.integrations.amapi}</h2>
      <ErrorNotice error={current.error ?? disconnect.error} />
      {connection && (
        <dl className="facts">
          <dt>{t.integrations.mode}</dt>
          <dd>{connection.mode === 'amapi' ? t.integrations.modeAmapi : t.integrations.modeLocal}</dd>
          {connection.mode === 'amapi' && (
            <>
              <dt>{t.integrations.enterpriseName}</dt>
              <dd><code>{connection.enterpriseName}</code></dd>
              <dt>{t.integrations.serviceAccountEmail}</dt>
              <dd>{connection.serviceAccountEmail}</dd>
            </>
          )}
          {connection.hookUrl && (
            <>
              <dt>{t.integrations.hookUrl}</dt>
              <dd><code>{connection.hookUrl}</code> <CopyButton value={connection.hookUrl} /></dd>
            </>
          )}
        </dl>
      )}
      {may('mdm.android.enterprise.update') && (
        <form
          className="stack"
          onSubmit={async (event) => {
            event.preventDefault();
            const form = event.currentTarget;
            const data = new FormData(form);
            const file = data.get('serviceAccountKey');
            let serviceAccountKey: unknown;
            setKeyFileError(null);
            if (file instanceof File && file.size > 0) {
              try {
                serviceAccountKey = JSON.parse(await file.text());
              } catch {
                setKeyFileError(`${file.name}: JSON?`);
                return;
              }
            }
            connect.mutate(
              {
                enterpriseName: textOf(data, 'enterpriseName'),
                ...(serviceAccountKey ? { serviceAccountKey } : {}),
                pubsub: { audience: textOf(data, 'audience'), serviceAccountEmail: textOf(data, 'pushServiceAccount') },
              },
              { onSuccess: () => form.reset() },
            );
          }}
        >
          <Field label={t.integrations.enterpriseName} problems={problems('enterpriseName')}>
            {(control) => <input {...control} name="enterpriseName" required placeholder="enterprises/LC0…" defaultValue={connection?.enterpriseName ?? ''} />}
          </Field>
          <Field label={t.integrations.serviceAccountKey} hint={t.integrations.keyKept} problems={[...(keyFileError ? [keyFileError] : []), ...problems('serviceAccountKey')]}>
            {(control) => <input {...control} name="serviceAccountKey" type="file" accept="application/json,.json" />}
          </Field>
          <div className="row">
            <Field label={t.integrations.audience} problems={problems('pubsub/audience')}>
              {(control) => <input {...control} name="audience" required />}
            </Field>
            <Field label={t.integrations.pushServiceAccount} problems={problems('pubsub/serviceAccountEmail')}>
              {(control) => <input {...control} name="pushServiceAccount" type="email" required />}
            </Field>
          </div>
          <ErrorNotice error={connect.error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={connect.isPending}>{t.integrations.connect}</button>
            {connection?.mode === 'amapi' && (
              <button type="button" className="danger" disabled={disconnect.isPending} onClick={() => window.confirm(t.common.confirm) && disconnect.mutate()}>{t.integrations.disconnect}</button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
