/**
 * The organization at a glance: tokens by state and platform (each count is a list's totalDocs,
 * so the figures are the API's own), invitations that are failing, and recent enrollments.
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useI18n } from '../i18n/index.tsx';
import { devicesPath, PLATFORM_NAMES, PLATFORMS, TOKEN_STATES, tokenPermission, tokensPath } from '../platforms.ts';
import { useSession } from '../session.tsx';

export function Overview() {
  const { t, formatDate } = useI18n();
  const { client, organizationId, may } = useSession();
  const platforms = PLATFORMS.filter((platform) => may(tokenPermission(platform, 'list')));

  const cells = platforms.flatMap((platform) => TOKEN_STATES.map((state) => ({ platform, state })));
  const counts = useQueries({
    queries: cells.map(({ platform, state }) => ({
      queryKey: ['tokens', organizationId, platform, 'count', state],
      queryFn: () =>
        client.unwrap(client.api.GET(tokensPath(platform), { params: { path: { organizationId }, query: { state, limit: 1, ...(state === 'DELETED' ? { 'show-deleted': true } : {}) } } })).then((page) => page.totalDocs),
    })),
  });
  const countOf = (platform: string, state: string) => counts[cells.findIndex((cell) => cell.platform === platform && cell.state === state)]?.data;

  // Failing invitations: pending tokens whose email failed, newest first, on every platform.
  const failing = useQuery({
    queryKey: ['tokens', organizationId, 'failing'],
    queryFn: async () => {
      const pages = await Promise.all(platforms.map((platform) =>
        client.unwrap(client.api.GET(tokensPath(platform), { params: { path: { organizationId }, query: { state: 'PENDING', limit: 100, sort: 'createdAt:desc' } } }))
          .then((page) => page.items.filter((token) => token.emailDelivery.status === 'FAILED').map((token) => ({ platform, token })))));
      return pages.flat().slice(0, 10);
    },
  });
  const recent = useQuery({
    queryKey: ['devices', organizationId, 'recent'],
    queryFn: async () => {
      const pages = await Promise.all(PLATFORMS.filter((platform) => may(`mdm.${platform}.device.list`)).map((platform) =>
        client.unwrap(client.api.GET(devicesPath(platform), { params: { path: { organizationId }, query: { limit: 10, sort: 'createdAt:desc' } } })).then((page) => page.items)));
      return pages.flat().sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 10);
    },
  });

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">{t.overview.title}</h1>
      <div className="table-wrap" role="region" tabIndex={0} aria-label={t.overview.byState}>
        <table>
          <caption>{t.overview.byState}</caption>
          <thead>
            <tr>
              <th scope="col">{t.overview.platform}</th>
              {TOKEN_STATES.map((state) => <th key={state} scope="col">{t.states[state]}</th>)}
            </tr>
          </thead>
          <tbody>
            {platforms.map((platform) => (
              <tr key={platform}>
                <th scope="row"><Link href={`/tokens/${platform}`}>{PLATFORM_NAMES[platform]}</Link></th>
                {TOKEN_STATES.map((state) => <td key={state} className="number">{countOf(platform, state) ?? '…'}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t.overview.failing}</h2>
      <ErrorNotice error={failing.error} />
      {failing.data && failing.data.length === 0 && <p className="empty">{t.overview.noneFailing}</p>}
      {failing.data && failing.data.length > 0 && (
        <ul className="plain">
          {failing.data.map(({ platform, token }) => (
            <li key={token.id}>
              <Link href={`/tokens/${platform}/${token.id}`}>{token.mdmUser.email}</Link> ({PLATFORM_NAMES[platform]}): {token.emailDelivery.lastError}
            </li>
          ))}
        </ul>
      )}

      <h2>{t.overview.recent}</h2>
      <ErrorNotice error={recent.error} />
      {recent.data && recent.data.length === 0 && <p className="empty">{t.overview.noneRecent}</p>}
      {recent.data && recent.data.length > 0 && (
        <ul className="plain">
          {recent.data.map((device) => (
            <li key={device.id}>
              {device.name ?? device.model ?? device.serialNumber ?? device.id} · {PLATFORM_NAMES[device.platform as keyof typeof PLATFORM_NAMES] ?? device.platform} · {formatDate(device.enrolledAt ?? device.createdAt)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
