/**
 * The organization's API keys (service accounts): create one with a role, see its secret once
 * (with a copy button), revoke. Only a key allowed to manage keys sees this screen's actions.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CopyButton } from '../components/CopyButton.tsx';
import { Listing } from '../components/Listing.tsx';
import { Field } from '../components/Field.tsx';
import { ErrorNotice, fieldProblems } from '../components/ErrorNotice.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';

const ROLES = ['admin', 'developer', 'viewer'] as const;
type Grant = { role: (typeof ROLES)[number] } | { permissions: string[] };
const PERMISSION = 'base.organization.serviceAccount';

export function ApiKeys() {
  const { t, formatDate } = useI18n();
  const { client, organizationId, may } = useSession();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const [custom, setCustom] = useState(false);
  const path = { organizationId };

  const keys = useQuery({
    queryKey: ['api-keys', organizationId],
    enabled: may(`${PERMISSION}.list`),
    queryFn: () => client.unwrap(client.api.GET('/v1/organizations/{organizationId}/service-accounts', { params: { path, query: { limit: 500 } } })),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['api-keys', organizationId] });
  const create = useMutation({
    mutationFn: (body: { name: string } & Grant) =>
      client.unwrap(client.api.POST('/v1/organizations/{organizationId}/service-accounts', { params: { path }, body })),
    onSuccess: (created) => {
      setSecret(created.token);
      return refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (serviceAccountId: string) =>
      client.unwrap(client.api.DELETE('/v1/organizations/{organizationId}/service-accounts/{serviceAccountId}', { params: { path: { organizationId, serviceAccountId } } })),
    onSuccess: refresh,
  });

  const items = keys.data?.items ?? [];
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">{t.apiKeys.title}</h1>
      {may(`${PERMISSION}.create`) && (
        <form
          className="row card"
          onSubmit={(event) => {
            event.preventDefault();
            const form = event.currentTarget;
            const data = new FormData(form);
            setSecret(null);
            const grant: Grant = custom
              ? { permissions: String(data.get('permissions') ?? '').split(/\s+/).filter(Boolean) }
              : { role: String(data.get('role')) as (typeof ROLES)[number] };
            create.mutate({ name: String(data.get('name') ?? '').trim(), ...grant }, { onSuccess: () => form.reset() });
          }}
        >
          <Field label={t.apiKeys.name} problems={fieldProblems(create.error, 'name')}>
            {(control) => <input {...control} name="name" required maxLength={128} />}
          </Field>
          <label>
            {t.apiKeys.role}
            <select name="role" defaultValue="developer" onChange={(event) => setCustom(event.target.value === 'custom')}>
              {ROLES.map((role) => <option key={role} value={role}>{t.apiKeys.roles[role]}</option>)}
              <option value="custom">{t.apiKeys.roles.custom}</option>
            </select>
          </label>
          {custom && (
            <Field label={t.apiKeys.permissions} hint={t.apiKeys.permissionsHint} problems={fieldProblems(create.error, 'permissions')}>
              {(control) => <textarea {...control} name="permissions" rows={4} required spellCheck={false} />}
            </Field>
          )}
          <button type="submit" className="primary" disabled={create.isPending}>{t.apiKeys.create}</button>
        </form>
      )}
      <ErrorNotice error={create.error ?? revoke.error ?? keys.error} />
      {secret && (
        <div className="secret card" role="status">
          <p>{t.apiKeys.newKey}</p>
          <code data-testid="new-key">{secret}</code> <CopyButton value={secret} />
        </div>
      )}
      {!may(`${PERMISSION}.list`) ? (
        <p className="empty">{t.apiKeys.notAllowed}</p>
      ) : (
        <Listing pending={keys.isPending} count={items.length} empty={t.apiKeys.empty} label={t.apiKeys.title}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.apiKeys.name}</th>
                <th scope="col">{t.apiKeys.role}</th>
                <th scope="col">{t.apiKeys.prefix}</th>
                <th scope="col">{t.apiKeys.created}</th>
                <th scope="col">{t.apiKeys.revokedAt}</th>
                {may(`${PERMISSION}.remove`) && <th scope="col"><span className="visually-hidden">{t.apiKeys.revoke}</span></th>}
              </tr>
            </thead>
            <tbody>
              {items.map((key) => (
                <tr key={key.id}>
                  <td>{key.name}</td>
                  <td>{key.role ?? key.permissions.join(', ')}</td>
                  <td><code>{key.tokenPrefix}</code></td>
                  <td>{formatDate(key.createdAt)}</td>
                  <td>{key.revokedAt ? formatDate(key.revokedAt) : t.apiKeys.active}</td>
                  {may(`${PERMISSION}.remove`) && (
                    <td>
                      {!key.revokedAt && (
                        <button type="button" className="danger" aria-label={t.apiKeys.revokeNamed(key.name)} disabled={revoke.isPending} onClick={() => window.confirm(t.common.confirm) && revoke.mutate(key.id)}>
                          {t.apiKeys.revoke}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </Listing>
      )}
    </section>
  );
}
