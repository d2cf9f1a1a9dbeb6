/**
 * A platform's branding, with a live preview of the enrollment page and the invitation beside
 * it: the server renders both from the unsaved values (GET …/enterprise/preview), in any language.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { Field } from '../../components/Field.tsx';
import { ErrorNotice, fieldProblems } from '../../components/ErrorNotice.tsx';
import { type Language, LANGUAGES, useI18n } from '../../i18n/index.tsx';
import type { Platform } from '../../platforms.ts';
import { useSession } from '../../session.tsx';
import { enterprisePath } from './MdmSettings.tsx';

export interface BrandingForm {
  name: string;
  primaryColor: string;
  logo: string;
  contactEmail: string;
  contactPhone: string;
}

const COLOUR = /^#[0-9a-fA-F]{6}$/;

export function BrandingEditor({ platform, saved }: { platform: Platform; saved: BrandingForm }) {
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
  const input = (name: keyof BrandingForm) => ({
    name,
    value: form[name],
    readOnly: !canEdit,
    onChange: (event: { target: { value: string } }) => {
      setNotice(null);
      setForm((current) => ({ ...current, [name]: event.target.value }));
    },
  });
  const problems = (name: keyof BrandingForm) => [...fieldProblems(save.error, `configuration/${name}`), ...fieldProblems(save.error, name)];

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
        <Field label={t.settings.name} problems={problems('name')}>
          {(control) => <input {...control} {...input('name')} required maxLength={128} />}
        </Field>
        <Field label={t.settings.primaryColor} problems={problems('primaryColor')}>
          {(control) => (
            <span className="colour">
              <input {...control} {...input('primaryColor')} pattern="#[0-9a-fA-F]{6}" maxLength={7} />
              {/* The picker is a convenience for the mouse; the text field is the control. */}
              <input type="color" value={COLOUR.test(form.primaryColor) ? form.primaryColor : '#000000'} disabled={!canEdit} onChange={(event) => setForm((current) => ({ ...current, primaryColor: event.target.value }))} aria-hidden="true" tabIndex={-1} />
            </span>
          )}
        </Field>
        <Field label={t.settings.logo} problems={problems('logo')}>
          {(control) => <input {...control} {...input('logo')} type="url" inputMode="url" placeholder="https://" />}
        </Field>
        <div className="row">
          <Field label={t.settings.contactEmail} problems={problems('contactEmail')}>
            {(control) => <input {...control} {...input('contactEmail')} type="email" />}
          </Field>
          <Field label={t.settings.contactPhone} problems={problems('contactPhone')}>
            {(control) => <input {...control} {...input('contactPhone')} type="tel" maxLength={64} />}
          </Field>
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
