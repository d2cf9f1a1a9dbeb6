/**
 * A platform's enterprise: its branding with a live preview of the enrollment page and the
 * invitation (rendered by the server from the unsaved values, in any language), and whether its
 * MDM settings let devices finish enrolling.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { Redirect } from 'wouter';
import { ErrorNotice, fieldProblems } from '../components/ErrorNotice.tsx';
import { PlatformTabs } from '../components/PlatformTabs.tsx';
import { type Language, LANGUAGES, useI18n } from '../i18n/index.tsx';
import { isPlatform, type Platform } from '../platforms.ts';
import { useSession } from '../session.tsx';

interface BrandingForm {
  name: string;
  primaryColor: string;
  logo: string;
  contactEmail: string;
  contactPhone: string;
}

const COLOUR = /^#[0-9a-fA-F]{6}$/;
const enterprisePath = (platform: Platform) => `/v1/organizations/{organizationId}/mdm/${platform}/enterprise` as '/v1/organizations/{organizationId}/mdm/apple/enterprise';

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

function BrandingEditor({ platform, saved }: { platform: Platform; saved: BrandingForm }) {
  const { t, language } = useI18n();
  const { client, organizationId, may } = useSession();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<BrandingForm>(saved);
  const [previewLanguage, setPreviewLanguage] = useState<Language>(language);
  const [notice, setNotice] = useState<string | null>(null);
  const canEdit = may(`mdm.${platform}.enterprise.update`);

  const save = useMutation({
    mutationFn: () =>
      client.unwrap(client.api.PUT(enterprisePath(platform), {
        params: { path: { organizationId } },
        body: {
          name: form.name.trim(),
          configuration: {
            primaryColor: form.primaryColor,
            logo: form.logo.trim() || null,
            contactEmail: form.contactEmail.trim() || null,
            contactPhone: form.contactPhone.trim() || null,
          },
        },
      })),
    onSuccess: () => {
      setNotice(t.settings.saved);
      return queryClient.invalidateQueries({ queryKey: ['enterprise', organizationId, platform] });
    },
  });

  // The preview follows the form, a moment behind typing; a half-typed colour is not sent.
  const shown = useDeferredValue(form);
  const previewUrl = (kind: 'page' | 'email') => {
    const query = new URLSearchParams({ kind, language: previewLanguage, logo: shown.logo.trim(), contactEmail: shown.contactEmail.trim(), contactPhone: shown.contactPhone.trim() });
    if (COLOUR.test(shown.primaryColor)) query.set('primaryColor', shown.primaryColor);
    // An address or URL the server would refuse shows the saved value instead of an error page.
    if (shown.logo.trim() && !/^https?:\/\/\S+$/i.test(shown.logo.trim())) query.delete('logo');
    if (shown.contactEmail.trim() && !/^\S+@\S+\.\S+$/.test(shown.contactEmail.trim())) query.delete('contactEmail');
    return `/v1/organizations/${encodeURIComponent(organizationId)}/mdm/${platform}/enterprise/preview?${query}`;
  };
  const field = (name: keyof BrandingForm) => ({
    name,
    value: form[name],
    readOnly: !canEdit,
    'aria-invalid': fieldProblems(save.error, `configuration/${name}`).length + fieldProblems(save.error, name).length > 0 || undefined,
    onChange: (event: { target: { value: string } }) => {
      setNotice(null);
      setForm((current) => ({ ...current, [name]: event.target.value }));
    },
  });
  const problems = (name: keyof BrandingForm) =>
    [...fieldProblems(save.error, `configuration/${name}`), ...fieldProblems(save.error, name)].map((problem) => <span key={problem} className="field-error">{problem}</span>);

  return (
    <div className="settings">
      <form
        className="stack"
        aria-labelledby="branding-title"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <h2 id="branding-title">{t.settings.branding}</h2>
        <p className="hint">{t.settings.brandingHint}</p>
        <label>
          {t.settings.name}
          <input {...field('name')} required maxLength={128} />
          {problems('name')}
        </label>
        <label>
          {t.settings.primaryColor}
          <span className="colour">
            <input {...field('primaryColor')} pattern="#[0-9a-fA-F]{6}" maxLength={7} />
            {/* The picker is a convenience for the mouse; the text field is the control. */}
            <input type="color" value={COLOUR.test(form.primaryColor) ? form.primaryColor : '#000000'} disabled={!canEdit} onChange={(event) => setForm((current) => ({ ...current, primaryColor: event.target.value }))} aria-hidden="true" tabIndex={-1} />
          </span>
          {problems('primaryColor')}
        </label>
        <label>
          {t.settings.logo}
          <input {...field('logo')} type="url" inputMode="url" placeholder="https://" />
          {problems('logo')}
        </label>
        <div className="row">
          <label>
            {t.settings.contactEmail}
            <input {...field('contactEmail')} type="email" />
            {problems('contactEmail')}
          </label>
          <label>
            {t.settings.contactPhone}
            <input {...field('contactPhone')} type="tel" maxLength={64} />
            {problems('contactPhone')}
          </label>
        </div>
        <ErrorNotice error={save.error} />
        {notice && <p role="status" className="notice">{notice}</p>}
        {canEdit && <button type="submit" className="primary" disabled={save.isPending}>{t.settings.save}</button>}
      </form>

      <section className="preview" aria-labelledby="preview-title">
        <h2 id="preview-title">{t.settings.preview}</h2>
        <label className="inline">
          {t.settings.previewLanguage}
          <select value={previewLanguage} onChange={(event) => setPreviewLanguage(event.target.value as Language)}>
            {Object.entries(LANGUAGES).map(([code, messages]) => <option key={code} value={code} lang={code}>{messages.languageName}</option>)}
          </select>
        </label>
        <div className="previews">
          <iframe title={t.settings.previewPage} src={previewUrl('page')} sandbox="" />
          <iframe title={t.settings.previewEmail} src={previewUrl('email')} sandbox="" />
        </div>
      </section>
    </div>
  );
}
