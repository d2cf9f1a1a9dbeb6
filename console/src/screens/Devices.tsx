/** Enrolled devices per platform, newest first. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Redirect } from 'wouter';
import { Listing } from '../components/Listing.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { PlatformTabs } from '../components/PlatformTabs.tsx';
import { useI18n } from '../i18n/index.tsx';
import { devicesPath, isPlatform, type Platform } from '../platforms.ts';
import { useSession } from '../session.tsx';

export function Devices({ platform }: { platform: string }) {
  if (!isPlatform(platform)) return <Redirect to="/devices/apple" replace />;
  return <DeviceList key={platform} platform={platform} />;
}

function DeviceList({ platform }: { platform: Platform }) {
  const { t, formatDate } = useI18n();
  const { client, organizationId } = useSession();
  const [page, setPage] = useState(1);
  const devices = useQuery({
    queryKey: ['devices', organizationId, platform, page],
    queryFn: () => client.unwrap(client.api.GET(devicesPath(platform), { params: { path: { organizationId }, query: { page, limit: 25 } } })),
    placeholderData: keepPreviousData,
  });
  const items = devices.data?.items ?? [];

  return (
    <section aria-labelledby="devices-title">
      <h1 id="devices-title">{t.devices.title}</h1>
      <PlatformTabs current={platform} hrefOf={(other) => `/devices/${other}`} label={t.tokens.platforms} />
      <ErrorNotice error={devices.error} />
      <Listing pending={devices.isPending} count={items.length} empty={t.devices.empty} label={t.devices.title}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.devices.name}</th>
              <th scope="col">{t.devices.serial}</th>
              <th scope="col">{t.devices.model}</th>
              <th scope="col">{t.devices.status}</th>
              <th scope="col">{t.devices.enrolled}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((device) => (
              <tr key={device.id}>
                <td>{device.tokenId ? <Link href={`/tokens/${platform}/${device.tokenId}`}>{device.name ?? device.serialNumber ?? device.id}</Link> : (device.name ?? t.common.none)}</td>
                <td>{device.serialNumber ?? t.common.none}</td>
                <td>{[device.model, device.osVersion].filter(Boolean).join(' · ') || t.common.none}</td>
                <td>{device.status}</td>
                <td>{formatDate(device.enrolledAt ?? device.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Listing>
      <Pagination info={devices.data} onPage={setPage} />
    </section>
  );
}
