/**
 * Apple's connections: the certificate enrollment profiles are signed with (enrolld's own, or an
 * uploaded one), step-ca's SCEPCHALLENGE (and NOTIFYING) webhook, and NanoMDM's check-in webhook.
 * Secrets are write-only: the forms send them, the screens never show them back.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CopyButton } from '../../components/CopyButton.tsx';
import { Field } from '../../components/Field.tsx';
import { ErrorNotice, fieldProblems } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { orNullWhenMissing, textOf } from './integration-query.ts';

const BASE = '/v1/organizations/{organizationId}/mdm/apple/enterprise';
const SIGNING = `${BASE}/signing-certificate` as const;
const STEP_CA = `${BASE}/integrations/step-ca` as const;
const NANOMDM = `${BASE}/integrations/nanomdm` as const;


/** Read, change and remove one Apple connection; `key` names it in the query cache. */
function useConnection<T>(key: string, read: () => Promise<T>) {
  const { organizationId } = useSession();
  const queryClient = useQueryClient();
  const queryKey = ['apple-integration', organizationId, key];
  const current = useQuery({ queryKey, queryFn: () => orNullWhenMissing(read()) });
  const refresh = () => queryClient.invalidateQueries({ queryKey });
  return { current, refresh };
}

export function SigningCertificate() {
  const { t, formatDate } = useI18n();
  const { client, organizationId, may } = useSession();
  const path = { organizationId };
  const { current, refresh } = useConnection('signing', () => client.unwrap(client.api.GET(SIGNING, { params: { path } })));
  const upload = useMutation({
    mutationFn: (body: { certificateChain: string; privateKey: string }) => client.unwrap(client.api.PUT(SIGNING, { params: { path }, body })),
    onSuccess: refresh,
  });
  const reset = useMutation({ mutationFn: () => client.unwrap(client.api.DELETE(SIGNING, { params: { path } })), onSuccess: refresh });
  const identity = current.data;

  return (
    <section aria-labelledby="signing-title" className="stack">
      <h2 id="signing-title">{t.integrations.signing}</h2>
      <ErrorNotice error={current.error ?? reset.error} />
      {identity && (
        <dl className="facts">
          <dt>{t.integrations.source}</dt>
          <dd>{identity.source === 'uploaded' ? t.integrations.uploaded : t.integrations.generated}</dd>
          <dt>{t.integrations.subject}</dt>
          <dd>{identity.subject}</dd>
          <dt>{t.integrations.fingerprint}</dt>
          <dd><code>{identity.fingerprint}</code></dd>
          <dt>{t.integrations.notAfter}</dt>
          <dd>{formatDate(identity.notAfter)}</dd>
        </dl>
      )}
      {may('mdm.apple.enterprise.update') && (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            const form = event.currentTarget;
            const data = new FormData(form);
            upload.mutate({ certificateChain: textOf(data, 'certificateChain'), privateKey: textOf(data, 'privateKey') }, { onSuccess: () => form.reset() });
          }}
        >
          <Field label={t.integrations.certificateChain} problems={fieldProblems(upload.error, 'certificateChain')}>
            {(control) => <textarea {...control} name="certificateChain" rows={4} required spellCheck={false} placeholder="-----BEGIN CERTIFICATE-----" />}
          </Field>
          <Field label={t.integrations.privateKey} problems={fieldProblems(upload.error, 'privateKey')}>
            {(control) => <textarea {...control} name="privateKey" rows={4} required spellCheck={false} autoComplete="off" placeholder="-----BEGIN PRIVATE KEY-----" />}
          </Field>
          <ErrorNotice error={upload.error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={upload.isPending}>{t.integrations.useCertificate}</button>
            {identity?.source === 'uploaded' && (
              <button type="button" disabled={reset.isPending} onClick={() => window.confirm(t.common.confirm) && reset.mutate()}>{t.integrations.resetSigning}</button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}

export function StepCaConnection() {
  const { t } = useI18n();
  const { client, organizationId, may } = useSession();
  const path = { organizationId };
  const { current, refresh } = useConnection('step-ca', () => client.unwrap(client.api.GET(STEP_CA, { params: { path } })));
  const register = useMutation({
    mutationFn: (body: { webhookId: string; secret: string; notify?: { webhookId: string; secret: string } }) => client.unwrap(client.api.PUT(STEP_CA, { params: { path }, body })),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: () => client.unwrap(client.api.DELETE(STEP_CA, { params: { path } })), onSuccess: refresh });
  const registered = current.data;

  return (
    <section aria-labelledby="step-ca-title" className="stack">
      <h2 id="step-ca-title">{t.integrations.stepCa}</h2>
      <ErrorNotice error={current.error ?? remove.error} />
      {registered === null && <p className="empty">{t.integrations.notConnected}</p>}
      {registered && (
        <dl className="facts">
          <dt>{t.integrations.webhookId}</dt>
          <dd><code>{registered.webhookId}</code></dd>
          <dt>{t.integrations.challengeUrl}</dt>
          <dd><code>{registered.challengeUrl}</code> <CopyButton value={registered.challengeUrl} /></dd>
          <dt>{t.integrations.notifyUrl}</dt>
          <dd><code>{registered.notifyUrl}</code> <CopyButton value={registered.notifyUrl} /></dd>
        </dl>
      )}
      {may('mdm.apple.enterprise.update') && (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            const form = event.currentTarget;
            const data = new FormData(form);
            const notifyWebhookId = textOf(data, 'notifyWebhookId');
            register.mutate(
              {
                webhookId: textOf(data, 'webhookId'),
                secret: textOf(data, 'secret'),
                ...(notifyWebhookId ? { notify: { webhookId: notifyWebhookId, secret: textOf(data, 'notifySecret') } } : {}),
              },
              { onSuccess: () => form.reset() },
            );
          }}
        >
          <div className="row">
            <Field label={t.integrations.webhookId} problems={fieldProblems(register.error, 'webhookId')}>
              {(control) => <input {...control} name="webhookId" required spellCheck={false} />}
            </Field>
            <Field label={t.integrations.secret} problems={fieldProblems(register.error, 'secret')}>
              {(control) => <input {...control} name="secret" type="password" required autoComplete="off" />}
            </Field>
          </div>
          <div className="row">
            <Field label={t.integrations.notifyWebhookId} problems={fieldProblems(register.error, 'notify/webhookId')}>
              {(control) => <input {...control} name="notifyWebhookId" spellCheck={false} />}
            </Field>
            <Field label={t.integrations.notifySecret} problems={fieldProblems(register.error, 'notify/secret')}>
              {(control) => <input {...control} name="notifySecret" type="password" autoComplete="off" />}
            </Field>
          </div>
          <ErrorNotice error={register.error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={register.isPending}>{t.integrations.register}</button>
            {registered && <button type="button" className="danger" disabled={remove.isPending} onClick={() => window.confirm(t.common.confirm) && remove.mutate()}>{t.integrations.remove}</button>}
          </div>
        </form>
      )}
    </section>
  );
}

export function NanoMdmConnection() {
  const { t } = useI18n();
  const { client, organizationId, may } = useSession();
  const path = { organizationId };
  const { current, refresh } = useConnection('nanomdm', () => client.unwrap(client.api.GET(NANOMDM, { params: { path } })));
  const register = useMutation({
    mutationFn: (body: { hmacKey?: string }) => client.unwrap(client.api.PUT(NANOMDM, { params: { path }, body })),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: () => client.unwrap(client.api.DELETE(NANOMDM, { params: { path } })), onSuccess: refresh });
  const registered = current.data;

  return (
    <section aria-labelledby="nanomdm-title" className="stack">
      <h2 id="nanomdm-title">{t.integrations.nanoMdm}</h2>
      <ErrorNotice error={current.error ?? remove.error} />
      {registered === null && <p className="empty">{t.integrations.notConnected}</p>}
      {registered && (
        <dl className="facts">
          <dt>{t.integrations.hookUrl}</dt>
          <dd><code>{registered.hookUrl}</code> <CopyButton value={registered.hookUrl} /></dd>
          <dt>{t.integrations.signed}</dt>
          <dd>{registered.signed ? '✓' : '✗'}</dd>
        </dl>
      )}
      {may('mdm.apple.enterprise.update') && (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            const form = event.currentTarget;
            const hmacKey = textOf(new FormData(form), 'hmacKey');
            register.mutate(hmacKey ? { hmacKey } : {}, { onSuccess: () => form.reset() });
          }}
        >
          <Field label={t.integrations.hmacKey} problems={fieldProblems(register.error, 'hmacKey')}>
            {(control) => <input {...control} name="hmacKey" type="password" autoComplete="off" />}
          </Field>
          <button type="submit" className="primary" disabled={register.isPending}>{t.integrations.register}</button>
          {registered && <button type="button" className="danger" disabled={remove.isPending} onClick={() => window.confirm(t.common.confirm) && remove.mutate()}>{t.integrations.remove}</button>}
          <ErrorNotice error={register.error} />
        </form>
      )}
    </section>
  );
}
