/**
 * One token: its link, code (and QR for Android) when this key may read them, the invitation's
 * delivery, the redemption audit and the device; resend, edit, revoke.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, Redirect } from 'wouter';
import { CopyButton } from '../components/CopyButton.tsx';
import { Field } from '../components/Field.tsx';
import { ErrorNotice, fieldProblems } from '../components/ErrorNotice.tsx';
import { StateBadge } from '../components/StateBadge.tsx';
import { useI18n } from '../i18n/index.tsx';
import { isPlatform, type Platform, redemptionsPath, resendPath, tokenPath, tokenPermission } from '../platforms.ts';
import { useSession } from '../session.tsx';

const WATCH_INTERVAL_MS = 5_000;

export function TokenDetail({ platform, tokenId }: { platform: string; tokenId: string }) {
  if (!isPlatform(platform)) return <Redirect to="/tokens/apple" replace />;
  return <TokenView platform={platform} tokenId={tokenId} />;
}

function TokenView({ platform, tokenId }: { platform: Platform; tokenId: string }) {
  const { t, formatDate } = useI18n();
  const { client, organizationId, may } = useSession();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const path = { organizationId, tokenId };

  // While the token waits for its device, the page looks again every few seconds: the invitation
  // going out, a redemption or an enrollment shows up without a reload.
  const whilePending = (query: { state: { data?: { state?: string } } }) => (query.state.data?.state === 'PENDING' ? WATCH_INTERVAL_MS : false);
  const token = useQuery({
    queryKey: ['tokens', organizationId, platform, 'one', tokenId],
    queryFn: () => client.unwrap(client.api.GET(tokenPath(platform), { params: { path } })),
    refetchInterval: whilePending,
  });
  const redemptions = useQuery({
    queryKey: ['tokens', organizationId, platform, 'redemptions', tokenId],
    queryFn: () => client.unwrap(client.api.GET(redemptionsPath(platform), { params: { path, query: { limit: 100 } } })),
    refetchInterval: token.data?.state === 'PENDING' ? WATCH_INTERVAL_MS : false,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['tokens', organizationId, platform] });
  // A change of the token (redeemed, revoked, its invitation sent) reads its audit again: the
  // audit stops polling once the token is no longer pending, so it must not stop one read short.
  const version = token.data?.updatedAt;
  useEffect(() => {
    if (version) void queryClient.invalidateQueries({ queryKey: ['tokens', organizationId, platform, 'redemptions', tokenId] });
  }, [version, queryClient, organizationId, platform, tokenId]);

  const resend = useMutation({
    mutationFn: () => client.unwrap(client.api.POST(resendPath(platform), { params: { path }, body: {} })),
    onSuccess: () => {
      setNotice(t.token.resent);
      return refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: () => client.unwrap(client.api.DELETE(tokenPath(platform), { params: { path } })),
    onSuccess: () => {
      setNotice(t.token.revoked);
      return refresh();
    },
  });
  const edit = useMutation({
    mutationFn: (body: { displayName: string; tags: string[] }) => client.unwrap(client.api.PUT(tokenPath(platform), { params: { path }, body })),
    onSuccess: () => {
      setEditing(false);
      setNotice(t.token.saved);
      return refresh();
    },
  });

  if (token.isPending) return <p>{t.common.loading}</p>;
  if (token.error) return <ErrorNotice error={token.error} />;
  const value = token.data;
  const live = value.state === 'PENDING';
  const redeemed = redemptions.data?.items.find((redemption) => redemption.outcome === 'REDEEMED' || redemption.outcome === 'ENROLLED');
  const delivery = value.emailDelivery;

  return (
    <section aria-labelledby="token-title">
      <p><Link href={`/tokens/${platform}`}>{t.token.back}</Link></p>
      <div className="title-row">
        <h1 id="token-title">{value.displayName || value.mdmUser.email}</h1>
        <StateBadge state={value.state} />
      </div>
      {notice && <p role="status" className="notice">{notice}</p>}
      <ErrorNotice error={resend.error ?? revoke.error} />

      <div className="actions">
        {live && may(tokenPermission(platform, 'update')) && (
          <>
            <button type="button" disabled={resend.isPending} onClick={() => resend.mutate()}>{t.token.resend}</button>
            <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>{t.token.edit}</button>
          </>
        )}
        {live && may(tokenPermission(platform, 'remove')) && (
          <button type="button" className="danger" disabled={revoke.isPending} onClick={() => window.confirm(t.common.confirm) && revoke.mutate()}>{t.token.revoke}</button>
        )}
      </div>

      {editing && (
        <form
          className="stack card"
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            edit.mutate({
              displayName: String(data.get('displayName') ?? ''),
              tags: String(data.get('tags') ?? '').split(',').map((tag) => tag.trim()).filter(Boolean),
            });
          }}
        >
          <Field label={t.tokens.displayName} problems={fieldProblems(edit.error, 'displayName')}>
            {(control) => <input {...control} name="displayName" defaultValue={value.displayName} maxLength={128} />}
          </Field>
          <Field label={t.token.tags} problems={fieldProblems(edit.error, 'tags')}>
            {(control) => <input {...control} name="tags" defaultValue={value.tags.join(', ')} />}
          </Field>
          <ErrorNotice error={edit.error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={edit.isPending}>{t.common.save}</button>
            <button type="button" onClick={() => setEditing(false)}>{t.common.cancel}</button>
          </div>
        </form>
      )}

      <dl className="facts">
        <dt>{t.tokens.user}</dt>
        <dd>{value.mdmUser.email}</dd>
        <dt>{t.token.link}</dt>
        <dd>
          {value.enrollmentLink ? (
            <>
              <a href={value.enrollmentLink} target="_blank" rel="noreferrer">{value.enrollmentLink}</a> <CopyButton value={value.enrollmentLink} label={`${t.common.copy}: ${t.token.link}`} />
            </>
          ) : (
            t.token.hiddenSecret
          )}
        </dd>
        <dt>{t.token.code}</dt>
        <dd>{value.enrollCode ? <code>{value.enrollCode}</code> : t.token.hiddenSecret}</dd>
        <dt>{t.token.expires}</dt>
        <dd>{formatDate(value.expireAt)}</dd>
        <dt>{t.token.created}</dt>
        <dd>{formatDate(value.createdAt)}</dd>
        <dt>{t.token.tags}</dt>
        <dd>{value.tags.length > 0 ? value.tags.join(', ') : t.common.none}</dd>
        <dt>{t.token.language}</dt>
        <dd>{value.language}</dd>
        {'managementMode' in value && typeof value.managementMode === 'string' && (
          <>
            <dt>{t.token.managementMode}</dt>
            <dd>{value.managementMode}</dd>
          </>
        )}
      </dl>

      {platform === 'android' && value.enrollCode && live && (
        <figure className="qr">
          <img src={`/enroll/android/${encodeURIComponent(value.enrollCode)}/qr.svg`} alt={t.token.qr} width={220} height={220} />
          <figcaption>{t.token.qr}</figcaption>
        </figure>
      )}

      <h2>{t.token.email}</h2>
      <dl className="facts">
        <dt>{t.tokens.invitation}</dt>
        <dd>{t.delivery[delivery.status]}</dd>
        <dt>{t.token.attempts}</dt>
        <dd>{delivery.attempts}</dd>
        <dt>{t.token.sentAt}</dt>
        <dd>{formatDate(delivery.sentAt)}</dd>
        {delivery.lastError && (
          <>
            <dt>{t.token.lastError}</dt>
            <dd className="error-text">{delivery.lastError}</dd>
          </>
        )}
        {delivery.deferredReason && (
          <>
            <dt>{t.token.deferred}</dt>
            <dd>{delivery.deferredReason}</dd>
          </>
        )}
      </dl>

      <h2>{t.token.device}</h2>
      {redeemed?.device ? (
        <dl className="facts">
          {Object.entries(redeemed.device)
            .filter(([, field]) => field !== null && field !== '' && typeof field !== 'object')
            .map(([name, field]) => (
              <div key={name} className="fact">
                <dt>{name}</dt>
                <dd>{String(field)}</dd>
              </div>
            ))}
        </dl>
      ) : (
        <p className="empty">{t.token.noDevice}</p>
      )}

      <h2>{t.token.redemptions}</h2>
      <ErrorNotice error={redemptions.error} />
      {redemptions.data && redemptions.data.items.length === 0 ? (
        <p className="empty">{t.token.noRedemptions}</p>
      ) : (
        <div className="table-wrap" role="region" tabIndex={0} aria-label={t.token.redemptions}>
          <table>
            <thead>
              <tr><th scope="col">{t.token.at}</th><th scope="col">{t.token.outcome}</th><th scope="col">{t.token.device}</th></tr>
            </thead>
            <tbody>
              {redemptions.data?.items.map((redemption) => (
                <tr key={redemption.id}>
                  <td>{formatDate(redemption.createdAt)}</td>
                  <td>{redemption.outcome}</td>
                  <td>{Object.values(redemption.device ?? {}).filter((field) => typeof field === 'string' && field).join(' · ') || t.common.none}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
