/**
 * Webhook endpoints: add one (its signing secret shown once), and per endpoint its delivery log
 * with retry, a test event, secret rotation, enable/disable and delete.
 */
import type { paths } from '@enrolld/client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { CopyButton } from '../components/CopyButton.tsx';
import { Listing } from '../components/Listing.tsx';
import { Field } from '../components/Field.tsx';
import { ErrorNotice, fieldProblems } from '../components/ErrorNotice.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';

const PERMISSION = 'base.organization.webhook';
type CreateBody = NonNullable<paths['/v1/organizations/{organizationId}/webhooks']['post']['requestBody']>['content']['application/json'];
type EventType = NonNullable<CreateBody['eventTypes']>[number];
/** Every event type, in the document's order (the compiler checks none is missing or unknown). */
const EVENT_TYPE_SET = {
  'enrollment_token.created': 1,
  'enrollment_token.updated': 2,
  'enrollment_token.revoked': 3,
  'enrollment_token.expired': 4,
  'enrollment_token.redeemed': 5,
  'enrollment_token.redemption_refused': 6,
  'invitation.sent': 7,
  'invitation.failed': 8,
  'device.enrolled': 9,
  'device.checked_out': 10,
} satisfies Record<EventType, number>;
const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as EventType[];
const LIST = '/v1/organizations/{organizationId}/webhooks';
const ONE = '/v1/organizations/{organizationId}/webhooks/{webhookId}';

function SecretNotice({ text, secret }: { text: string; secret: string }) {
  return (
    <div className="secret card" role="status">
      <p>{text}</p>
      <code data-testid="webhook-secret">{secret}</code> <CopyButton value={secret} />
    </div>
  );
}

export function Webhooks() {
  const { t } = useI18n();
  const { client, organizationId, may } = useSession();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const [allEvents, setAllEvents] = useState(true);
  const endpoints = useQuery({
    queryKey: ['webhooks', organizationId],
    queryFn: () => client.unwrap(client.api.GET(LIST, { params: { path: { organizationId }, query: { limit: 500 } } })),
  });
  const create = useMutation({
    mutationFn: (body: { url: string; description: string; eventTypes: EventType[] | null }) => client.unwrap(client.api.POST(LIST, { params: { path: { organizationId } }, body })),
    onSuccess: (created) => {
      setSecret(created.secret);
      return queryClient.invalidateQueries({ queryKey: ['webhooks', organizationId] });
    },
  });
  const items = endpoints.data?.items ?? [];

  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">{t.webhooks.title}</h1>
      <p className="hint">{t.webhooks.hint}</p>
      {may(`${PERMISSION}.create`) && (
        <form
          className="stack card"
          onSubmit={(event) => {
            event.preventDefault();
            const form = event.currentTarget;
            const data = new FormData(form);
            setSecret(null);
            create.mutate(
              {
                url: String(data.get('url') ?? '').trim(),
                description: String(data.get('description') ?? '').trim(),
                eventTypes: allEvents ? null : (data.getAll('eventTypes').map(String) as EventType[]),
              },
              { onSuccess: () => form.reset() },
            );
          }}
        >
          <Field label={t.webhooks.url} problems={fieldProblems(create.error, 'url')}>
            {(control) => <input {...control} name="url" type="url" required maxLength={2048} placeholder="https://" />}
          </Field>
          <label>
            {t.webhooks.description}
            <input name="description" maxLength={512} />
          </label>
          <fieldset>
            <legend>{t.webhooks.events}</legend>
            <label className="check">
              <input type="checkbox" checked={allEvents} onChange={(event) => setAllEvents(event.target.checked)} />
              {t.webhooks.allEvents}
            </label>
            {!allEvents && (
              <div className="checks">
                {EVENT_TYPES.map((type) => (
                  <label key={type} className="check">
                    <input type="checkbox" name="eventTypes" value={type} />
                    <code>{type}</code>
                  </label>
                ))}
              </div>
            )}
            {fieldProblems(create.error, 'eventTypes').map((problem) => <span key={problem} className="field-error">{problem}</span>)}
          </fieldset>
          <ErrorNotice error={create.error} />
          <button type="submit" className="primary" disabled={create.isPending}>{t.webhooks.create}</button>
        </form>
      )}
      {secret && <SecretNotice text={t.webhooks.secret} secret={secret} />}
      <ErrorNotice error={endpoints.error} />
      <Listing pending={endpoints.isPending} count={items.length} empty={t.webhooks.empty} label={t.webhooks.title}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.webhooks.url}</th>
              <th scope="col">{t.webhooks.description}</th>
              <th scope="col">{t.webhooks.events}</th>
              <th scope="col">{t.webhooks.status}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((endpoint) => (
              <tr key={endpoint.id}>
                <td><Link href={`/webhooks/${endpoint.id}`} aria-label={t.webhooks.open(endpoint.url)}>{endpoint.url}</Link></td>
                <td>{endpoint.description || t.common.none}</td>
                <td>{endpoint.eventTypes ? endpoint.eventTypes.join(', ') : t.webhooks.allEvents}</td>
                <td>{endpoint.enabled ? t.webhooks.enabled : `${t.webhooks.disabled}${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ''}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Listing>
    </section>
  );
}

export function WebhookDetail({ webhookId }: { webhookId: string }) {
  const { t, formatDate } = useI18n();
  const { client, organizationId, may } = useSession();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [page, setPage] = useState(1);
  const [notice, setNotice] = useState<{ text: string; secret?: string } | null>(null);
  const path = { organizationId, webhookId };
  const canChange = may(`${PERMISSION}.update`);

  const endpoint = useQuery({
    queryKey: ['webhooks', organizationId, webhookId],
    queryFn: () => client.unwrap(client.api.GET(ONE, { params: { path } })),
  });
  const deliveries = useQuery({
    queryKey: ['webhooks', organizationId, webhookId, 'deliveries', page],
    queryFn: () => client.unwrap(client.api.GET(`${ONE}/deliveries`, { params: { path, query: { page, limit: 25 } } })),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['webhooks', organizationId] });
  const act = useMutation({
    mutationFn: async (action: 'test' | 'rotate' | 'enable' | 'disable' | 'remove' | { retry: string }) => {
      if (typeof action === 'object') {
        await client.unwrap(client.api.POST(`${ONE}/deliveries/{deliveryId}/retry`, { params: { path: { ...path, deliveryId: action.retry } } }));
        return { text: t.webhooks.retried };
      }
      switch (action) {
        case 'test':
          await client.unwrap(client.api.POST(`${ONE}/test`, { params: { path } }));
          return { text: t.webhooks.tested };
        case 'rotate': {
          const rotated = await client.unwrap(client.api.POST(`${ONE}/rotate-secret`, { params: { path } }));
          return { text: t.webhooks.rotated, secret: rotated.secret };
        }
        case 'enable':
        case 'disable':
          await client.unwrap(client.api.PUT(ONE, { params: { path }, body: { enabled: action === 'enable' } }));
          return { text: action === 'enable' ? t.webhooks.enabled : t.webhooks.disabled };
        case 'remove':
          await client.unwrap(client.api.DELETE(ONE, { params: { path } }));
          navigate('/webhooks');
          return null;
      }
    },
    onSuccess: (outcome) => {
      setNotice(outcome);
      return refresh();
    },
  });

  if (endpoint.isPending) return <p>{t.common.loading}</p>;
  if (endpoint.error) return <ErrorNotice error={endpoint.error} />;
  const value = endpoint.data;
  const items = deliveries.data?.items ?? [];

  return (
    <section aria-labelledby="webhook-title">
      <p><Link href="/webhooks">{t.webhooks.back}</Link></p>
      <h1 id="webhook-title" className="break">{value.url}</h1>
      <dl className="facts">
        <dt>{t.webhooks.description}</dt>
        <dd>{value.description || t.common.none}</dd>
        <dt>{t.webhooks.events}</dt>
        <dd>{value.eventTypes ? value.eventTypes.join(', ') : t.webhooks.allEvents}</dd>
        <dt>{t.webhooks.status}</dt>
        <dd>{value.enabled ? t.webhooks.enabled : `${t.webhooks.disabled}${value.disabledReason ? `: ${value.disabledReason}` : ''}`}</dd>
        {value.failingSince && (
          <>
            <dt>{t.webhooks.failingSince}</dt>
            <dd>{formatDate(value.failingSince)}</dd>
          </>
        )}
      </dl>
      {canChange && (
        <div className="actions">
          <button type="button" disabled={act.isPending} onClick={() => act.mutate('test')}>{t.webhooks.sendTest}</button>
          <button type="button" disabled={act.isPending} onClick={() => window.confirm(t.common.confirm) && act.mutate('rotate')}>{t.webhooks.rotate}</button>
          <button type="button" disabled={act.isPending} onClick={() => act.mutate(value.enabled ? 'disable' : 'enable')}>{value.enabled ? t.webhooks.disable : t.webhooks.enable}</button>
          {may(`${PERMISSION}.remove`) && (
            <button type="button" className="danger" disabled={act.isPending} onClick={() => window.confirm(t.common.confirm) && act.mutate('remove')}>{t.webhooks.remove}</button>
          )}
        </div>
      )}
      {notice && (notice.secret ? <SecretNotice text={notice.text} secret={notice.secret} /> : <p role="status" className="notice">{notice.text}</p>)}
      <ErrorNotice error={act.error ?? deliveries.error} />

      <h2>{t.webhooks.deliveries}</h2>
      <Listing pending={deliveries.isPending} count={items.length} empty={t.webhooks.noDeliveries} label={t.webhooks.deliveries}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.webhooks.event}</th>
              <th scope="col">{t.webhooks.status}</th>
              <th scope="col">{t.webhooks.attempts}</th>
              <th scope="col">{t.webhooks.response}</th>
              <th scope="col">{t.webhooks.nextAttempt}</th>
              {canChange && <th scope="col"><span className="visually-hidden">{t.webhooks.retry}</span></th>}
            </tr>
          </thead>
          <tbody>
            {items.map((delivery) => (
              <tr key={delivery.id}>
                <td><code>{delivery.eventType}</code><br /><span className="hint">{formatDate(delivery.createdAt)}</span></td>
                <td>{delivery.status}</td>
                <td className="number">{delivery.attempts}</td>
                <td>{delivery.lastResponseStatus ?? delivery.lastError ?? t.common.none}</td>
                <td>{formatDate(delivery.nextAttemptAt)}</td>
                {canChange && (
                  <td>
                    {delivery.status !== 'DELIVERED' && (
                      <button type="button" disabled={act.isPending} onClick={() => act.mutate({ retry: delivery.id })}>{t.webhooks.retry}</button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </Listing>
      <Pagination info={deliveries.data} onPage={setPage} />
    </section>
  );
}
