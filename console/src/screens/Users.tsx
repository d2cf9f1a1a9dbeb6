/** The organization's MDM users, searchable, page by page. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Listing } from '../components/Listing.tsx';
import { Link } from 'wouter';
import { PLATFORM_NAMES, PLATFORMS } from '../platforms.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';

export function Users() {
  const { t, formatDate } = useI18n();
  const { client, organizationId } = useSession();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const query = { page, limit: 25, ...(search.trim() ? { search: search.trim() } : {}) };
  const users = useQuery({
    queryKey: ['users', organizationId, query],
    queryFn: () => client.unwrap(client.api.GET('/v1/organizations/{organizationId}/mdm/users', { params: { path: { organizationId }, query } })),
    placeholderData: keepPreviousData,
  });
  const items = users.data?.items ?? [];

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t.users.title}</h1>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t.common.search}
          <input type="search" value={search} onChange={(event) => { setSearch(event.target.value); setPage(1); }} />
        </label>
      </form>
      <ErrorNotice error={users.error} />
      <Listing pending={users.isPending} count={items.length} empty={t.users.empty} label={t.users.title}>
        <table>
          <thead>
            <tr><th scope="col">{t.users.email}</th><th scope="col">{t.users.name}</th><th scope="col">{t.users.created}</th><th scope="col">{t.users.tokens}</th></tr>
          </thead>
          <tbody>
            {items.map((user) => (
              <tr key={user.id}>
                <td>{user.email}</td>
                <td>{user.name ?? t.common.none}</td>
                <td>{formatDate(user.createdAt)}</td>
                <td>
                  <span className="links">
                    {PLATFORMS.map((platform) => (
                      <Link key={platform} href={`/tokens/${platform}?${new URLSearchParams({ user: user.id, email: user.email })}`} aria-label={t.users.tokensOf(PLATFORM_NAMES[platform], user.email)}>
                        {PLATFORM_NAMES[platform]}
                      </Link>
                    ))}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Listing>
      <Pagination info={users.data} onPage={setPage} />
    </section>
  );
}
