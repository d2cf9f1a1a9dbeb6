/**
 * A platform's enrollment tokens: every filter the list API has (state, tags, search, revoked),
 * sort, pagination, and a selection to revoke or resend many at once.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Redirect, useSearchParams } from 'wouter';
import { Listing } from '../components/Listing.tsx';
import { useChoices } from '../catalog-choices.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { PlatformTabs } from '../components/PlatformTabs.tsx';
import { StateBadge } from '../components/StateBadge.tsx';
import { useI18n } from '../i18n/index.tsx';
import { isPlatform, type Platform, POLICY_FILTER, resendPath, TOKEN_STATES, type TokenState, tokenPath, tokenPermission, tokensPath } from '../platforms.ts';
import { useSession } from '../session.tsx';

const PAGE_SIZE = 25;
const SORTS = { newest: 'createdAt:desc', oldest: 'createdAt:asc', expiring: 'expireAt:asc', name: 'displayName:asc' } as const;

export function Tokens({ platform }: { platform: string }) {
  if (!isPlatform(platform)) return <Redirect to="/tokens/apple" replace />;
  return <TokenList key={platform} platform={platform} />;
}

function TokenList({ platform }: { platform: Platform }) {
  const { t, formatDate } = useI18n();
  const { client, organizationId, may } = useSession();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [state, setState] = useState<TokenState | ''>('');
  const [tags, setTags] = useState('');
  const [sort, setSort] = useState<keyof typeof SORTS>('newest');
  const [showDeleted, setShowDeleted] = useState(false);
  const [policy, setPolicy] = useState('');
  // From a user's row on the Users screen: that user's tokens (?user=<id>&email=<address>).
  const [searchParams, setSearchParams] = useSearchParams();
  const user = searchParams.get('user');
  const policies = useChoices(`/v1/organizations/{organizationId}/mdm/${platform}/enterprise/policies`);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkOutcome, setBulkOutcome] = useState<string | null>(null);

  const query = {
    page,
    limit: PAGE_SIZE,
    sort: SORTS[sort],
    ...(search.trim() ? { search: search.trim() } : {}),
    ...(state ? { state } : {}),
    ...(tags.trim() ? { tags: tags.split(',').map((tag) => tag.trim()).filter(Boolean) } : {}),
    ...(showDeleted ? { 'show-deleted': true } : {}),
    ...(user ? { 'mdm-user': user } : {}),
    ...(policy ? { [POLICY_FILTER[platform]]: policy } : {}),
  };
  const tokens = useQuery({
    queryKey: ['tokens', organizationId, platform, query],
    queryFn: () => client.unwrap(client.api.GET(tokensPath(platform), { params: { path: { organizationId }, query } })),
    placeholderData: keepPreviousData,
  });
  const filtered = Boolean(query.search || query.state || query.tags || showDeleted || user || policy);
  const refilter = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    setPage(1);
    setSelected(new Set());
  };

  const bulk = useMutation({
    mutationFn: async (action: 'revoke' | 'resend') => {
      let done = 0;
      let failed = 0;
      for (const tokenId of selected) {
        const call = action === 'revoke'
          ? client.api.DELETE(tokenPath(platform), { params: { path: { organizationId, tokenId } } })
          : client.api.POST(resendPath(platform), { params: { path: { organizationId, tokenId } }, body: {} });
        await client.unwrap(call).then(() => done++, () => failed++);
      }
      return t.tokens.bulkDone(done, failed);
    },
    onSuccess: (outcome) => {
      setBulkOutcome(outcome);
      setSelected(new Set());
      return queryClient.invalidateQueries({ queryKey: ['tokens', organizationId, platform] });
    },
  });

  const items = tokens.data?.items ?? [];
  const canChange = may(tokenPermission(platform, 'update'));
  const canRevoke = may(tokenPermission(platform, 'remove'));
  const selectable = canChange || canRevoke;
  const allSelected = items.length > 0 && items.every((token) => selected.has(token.id));
  const toggle = (id: string) => setSelected((current) => {
    const next = new Set(current);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });

  return (
    <section aria-labelledby="tokens-title">
      <div className="title-row">
        <h1 id="tokens-title">{t.tokens.title}</h1>
        {may(tokenPermission(platform, 'create')) && <Link href={`/tokens/${platform}/new`} className="button primary">{t.tokens.newTokens}</Link>}
      </div>
      <PlatformTabs current={platform} hrefOf={(other) => `/tokens/${other}`} label={t.tokens.platforms} />

      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t.common.search}
          <input type="search" value={search} placeholder={t.tokens.searchHint} onChange={(event) => refilter(setSearch)(event.target.value)} />
        </label>
        <label>
          {t.tokens.state}
          <select value={state} onChange={(event) => refilter(setState)(event.target.value as TokenState | '')}>
            <option value="">{t.common.all}</option>
            {TOKEN_STATES.map((value) => <option key={value} value={value}>{t.states[value]}</option>)}
          </select>
        </label>
        <label>
          {t.tokens.tags}
          <input value={tags} placeholder={t.tokens.tagsHint} onChange={(event) => refilter(setTags)(event.target.value)} />
        </label>
        <label>
          {t.tokens.sort}
          <select value={sort} onChange={(event) => refilter(setSort)(event.target.value as keyof typeof SORTS)}>
            <option value="newest">{t.tokens.sortNewest}</option>
            <option value="oldest">{t.tokens.sortOldest}</option>
            <option value="expiring">{t.tokens.sortExpiring}</option>
            <option value="name">{t.tokens.sortName}</option>
          </select>
        </label>
        {policies.length > 0 && (
          <label>
            {t.newTokens.policy}
            <select value={policy} onChange={(event) => refilter(setPolicy)(event.target.value)}>
              <option value="">{t.common.all}</option>
              {policies.map((item) => <option key={item.id} value={item.id}>{item.name}</option>)}
            </select>
          </label>
        )}
        <label className="check">
          <input type="checkbox" checked={showDeleted} onChange={(event) => refilter(setShowDeleted)(event.target.checked)} />
          {t.tokens.showRevoked}
        </label>
        {user && (
          <p className="chip">
            {t.tokens.user}: {searchParams.get('email') ?? user}{' '}
            <button type="button" aria-label={t.tokens.clearUser} onClick={() => refilter(setSearchParams)(new URLSearchParams())}>×</button>
          </p>
        )}
      </form>

      {selectable && selected.size > 0 && (
        <div className="selection" role="region" aria-label={t.tokens.selected(selected.size)}>
          <span>{t.tokens.selected(selected.size)}</span>
          {canChange && <button type="button" disabled={bulk.isPending} onClick={() => bulk.mutate('resend')}>{t.tokens.resendSelected}</button>}
          {canRevoke && <button type="button" className="danger" disabled={bulk.isPending} onClick={() => window.confirm(t.common.confirm) && bulk.mutate('revoke')}>{t.tokens.revokeSelected}</button>}
        </div>
      )}
      {bulkOutcome && <p role="status">{bulkOutcome}</p>}
      <ErrorNotice error={tokens.error ?? bulk.error} />

      <Listing pending={tokens.isPending} count={items.length} empty={filtered ? t.tokens.emptyFiltered : t.tokens.empty} label={t.tokens.title}>
        <table>
          <thead>
            <tr>
              {selectable && (
                <th scope="col">
                  <input type="checkbox" aria-label={t.tokens.selectPage} checked={allSelected} onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((token) => token.id)))} />
                </th>
              )}
              <th scope="col">{t.tokens.user}</th>
              <th scope="col">{t.tokens.displayName}</th>
              <th scope="col">{t.tokens.state}</th>
              <th scope="col">{t.tokens.invitation}</th>
              <th scope="col">{t.tokens.expires}</th>
              <th scope="col">{t.tokens.created}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((token) => (
              <tr key={token.id}>
                {selectable && (
                  <td><input type="checkbox" aria-label={t.tokens.select(token.mdmUser.email)} checked={selected.has(token.id)} onChange={() => toggle(token.id)} /></td>
                )}
                <td><Link href={`/tokens/${platform}/${token.id}`}>{token.mdmUser.email}</Link></td>
                <td>{token.displayName || t.common.none}</td>
                <td><StateBadge state={token.state} /></td>
                <td>{t.delivery[token.emailDelivery.status]}</td>
                <td>{formatDate(token.expireAt)}</td>
                <td>{formatDate(token.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Listing>
      <Pagination info={tokens.data} onPage={setPage} />
    </section>
  );
}
