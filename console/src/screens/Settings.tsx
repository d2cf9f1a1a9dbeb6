/**
 * A platform's enterprise: whether its MDM settings let devices finish enrolling, its branding
 * with a live preview, the settings themselves, and the platform's connections (Apple: the
 * profile signing certificate, step-ca, NanoMDM; Android: Google's Android Management API).
 */
import { useQuery } from '@tanstack/react-query';
import { Redirect } from 'wouter';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { PlatformTabs } from '../components/PlatformTabs.tsx';
import { useI18n } from '../i18n/index.tsx';
import { isPlatform, type Platform } from '../platforms.ts';
import { useSession } from '../session.tsx';
import { AmapiConnection } from './settings/AndroidIntegration.tsx';
import { NanoMdmConnection, SigningCertificate, StepCaConnection } from './settings/AppleIntegrations.tsx';
import { BrandingEditor } from './settings/BrandingEditor.tsx';
import { enterprisePath, MdmSettings } from './settings/MdmSettings.tsx';

export function Settings({ platform }: { platform: string }) {
  if (!isPlatform(platform)) return <Redirect to="/settings/apple" replace />;
  return <EnterpriseSettings key={platform} platform={platform} />;
}

function EnterpriseSettings({ platform }: { platform: Platform }) {
  const { t } = useI18n();
  const { client, organizationId } = useSession();
  const enterprise = useQuery({
    queryKey: ['enterprise', organizationId, platform],
    queryFn: () => client.unwrap(client.api.GET(enterprisePath(platform), { params: { path: { organizationId } } })),
  });

  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t.settings.title}</h1>
      <PlatformTabs current={platform} hrefOf={(other) => `/settings/${other}`} label={t.settings.platforms} />
      <ErrorNotice error={enterprise.error} />
      {enterprise.isPending ? (
        <p>{t.common.loading}</p>
      ) : enterprise.data ? (
        <>
          <MdmStatus settings={enterprise.data.settings as { configured?: boolean; warning?: string | null }} />
          <BrandingEditor
            platform={platform}
            saved={{
              name: enterprise.data.name,
              primaryColor: enterprise.data.configuration.primaryColor,
              logo: enterprise.data.configuration.logo ?? '',
              contactEmail: enterprise.data.configuration.contactEmail ?? '',
              contactPhone: enterprise.data.configuration.contactPhone ?? '',
            }}
          />
          <MdmSettings key={enterprise.data.updatedAt} platform={platform} settings={enterprise.data.settings as Record<string, unknown>} />
          {platform === 'apple' && (
            <>
              <SigningCertificate />
              <StepCaConnection />
              <NanoMdmConnection />
            </>
          )}
          {platform === 'android' && <AmapiConnection />}
        </>
      ) : null}
    </section>
  );
}

function MdmStatus({ settings }: { settings: { configured?: boolean; warning?: string | null } }) {
  const { t } = useI18n();
  if (settings.configured === undefined) return null;
  return (
    <>
      <h2>{t.settings.mdm}</h2>
      {settings.configured ? (
        <p className="notice">{t.settings.configured}</p>
      ) : (
        <div className="error" role="note">
          <p><strong>{t.settings.notConfigured}</strong></p>
          {settings.warning && <p>{settings.warning}</p>}
        </div>
      )}
    </>
  );
}

