/**
 * New tokens for one address or many (pasted, or from a CSV file), with the platform's options.
 * The creation runs as a job (bulk-jobs.ts) with a progress bar, so the rest of the console stays
 * usable meanwhile. Addresses the server refuses are listed with its reason once it has run.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Redirect } from 'wouter';
import { addressesFromCsv, addressesFromText } from '../addresses.ts';
import { startBulkJob, useBulkJobs } from '../bulk-jobs.ts';
import { type Choice as CatalogChoice, useChoices } from '../catalog-choices.ts';
import { Field } from '../components/Field.tsx';
import { ErrorNotice, fieldProblems } from '../components/ErrorNotice.tsx';
import { PlatformTabs } from '../components/PlatformTabs.tsx';
import { LANGUAGES, useI18n } from '../i18n/index.tsx';
import { isPlatform, type Platform } from '../platforms.ts';
import { useSession } from '../session.tsx';

const DAY_SECONDS = 86_400;
const MANAGEMENT_MODES = ['DEVICE_OWNER', 'PROFILE_OWNER', 'COPE', 'USERLESS'] as const;
type BulkBody = Record<string, unknown>;

export function NewTokens({ platform }: { platform: string }) {
  if (!isPlatform(platform)) return <Redirect to="/tokens/apple/new" replace />;
  return <NewTokensForm key={platform} platform={platform} />;
}

function Choice({ label, name, choices, multiple, error }: { label: string; name: string; choices: CatalogChoice[]; multiple?: boolean; error: unknown }) {
  const { t } = useI18n();
  if (choices.length === 0) return null;
  const problems = fieldProblems(error, name);
  return (
    <Field label={label} problems={problems}>
      {(control) => (
        <select {...control} name={name} multiple={multiple}>
          {!multiple && <option value="">{t.newTokens.noChoice}</option>}
          {choices.map((choice) => <option key={choice.id} value={choice.id}>{choice.name}</option>)}
        </select>
      )}
    </Field>
  );
}

function NewTokensForm({ platform }: { platform: Platform }) {
  const { t, language } = useI18n();
  const { client, organizationId } = useSession();
  const queryClient = useQueryClient();
  const [addresses, setAddresses] = useState('');
  const [fileAddresses, setFileAddresses] = useState<string[] | null>(null);
  // A new key empties the file field once its addresses have been sent.
  const [fileField, setFileField] = useState(0);
  const [error, setError] = useState<unknown>(null);
  // The newest creation of this organization and platform, running or finished (bulk-jobs.ts).
  const job = useBulkJobs().findLast((one) => one.organizationId === organizationId && one.platform === platform);
  const progress = job?.running ? job : null;
  const result = job && job.result.total > 0 ? job.result : null;
  const shownError = error ?? job?.error;

  const catalog = (kind: string) => `/v1/organizations/{organizationId}/mdm/${platform}/enterprise/${kind}`;
  const policies = useChoices(catalog('policies'), true);
  const profiles = useChoices(catalog('profiles'), platform === 'apple');
  const applications = useChoices(catalog('applications'), platform === 'apple');
  const vppLocations = useChoices(catalog('vpp-locations'), platform === 'apple');
  const segments = useChoices('/v1/organizations/{organizationId}/segments', platform !== 'android');

  async function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const all = [...addressesFromText(addresses), ...(fileAddresses ?? [])];
    setError(null);
    if (all.length === 0) {
      setError(new Error(t.newTokens.noAddresses));
      return;
    }
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const tags = text('tags').split(',').map((tag) => tag.trim()).filter(Boolean);
    const days = Number(text('duration'));
    const options: BulkBody = {
      sendEmail: data.get('sendEmail') === 'on',
      language: text('language'),
      ...(text('displayName') ? { displayName: text('displayName') } : {}),
      ...(tags.length > 0 ? { tags } : {}),
      ...(text('duration') ? { duration: Math.round(days * DAY_SECONDS) } : {}),
      ...(text('emailText') ? { emailText: text('emailText') } : {}),
      ...(text('segmentId') ? { segmentId: Number(text('segmentId')) } : {}),
    };
    if (platform === 'windows') {
      if (text('policyId')) options.winPolicyId = text('policyId');
    } else if (text('policyId')) options.policyId = text('policyId');
    if (platform === 'android') options.managementMode = text('managementMode');
    if (platform === 'apple') {
      const profileIds = data.getAll('profiles').map(String);
      const applicationIds = data.getAll('applications').map(String);
      if (profileIds.length > 0) options.profiles = profileIds;
      if (applicationIds.length > 0) options.applications = applicationIds.map((admApplication) => ({ admApplication }));
      if (text('admVppLocationId')) options.admVppLocationId = text('admVppLocationId');
    }

    startBulkJob({
      client,
      organizationId,
      platform,
      addresses: all,
      options,
      onSettled: () => void queryClient.invalidateQueries({ queryKey: ['tokens', organizationId, platform] }),
    });
    setAddresses('');
    setFileAddresses(null);
    setFileField((key) => key + 1);
  }

  const addressProblems = fieldProblems(shownError, 'userEmails');
  return (
    <section aria-labelledby="new-tokens-title">
      <h1 id="new-tokens-title">{t.newTokens.title}</h1>
      <PlatformTabs current={platform} hrefOf={(other) => `/tokens/${other}/new`} label={t.newTokens.platform} />
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(event.currentTarget);
        }}
      >
        <Field label={t.newTokens.emails} hint={t.newTokens.emailsHint} problems={addressProblems}>
          {(control) => <textarea {...control} rows={6} value={addresses} onChange={(event) => setAddresses(event.target.value)} />}
        </Field>
        <label>
          {t.newTokens.csv}
          <input
            key={fileField}
            type="file"
            accept=".csv,text/csv"
            aria-describedby="csv-hint"
            onChange={async (event) => {
              const file = event.target.files?.[0];
              setFileAddresses(file ? await addressesFromCsv(await file.text()) : null);
            }}
          />
          <span id="csv-hint" className="hint">{t.newTokens.csvHint}</span>
          {fileAddresses && <span role="status">{t.newTokens.csvRead(fileAddresses.length)}</span>}
        </label>
        <label className="check">
          <input type="checkbox" name="sendEmail" defaultChecked />
          {t.newTokens.sendEmail}
        </label>
        {platform === 'android' && (
          <label>
            {t.newTokens.managementMode}
            <select name="managementMode" defaultValue="DEVICE_OWNER">
              {MANAGEMENT_MODES.map((mode) => <option key={mode} value={mode}>{mode}</option>)}
            </select>
          </label>
        )}
        <Choice label={t.newTokens.policy} name="policyId" choices={policies} error={shownError} />
        <Choice label={t.newTokens.profiles} name="profiles" choices={profiles} multiple error={shownError} />
        <Choice label={t.newTokens.applications} name="applications" choices={applications} multiple error={shownError} />
        <Choice label={t.newTokens.vppLocation} name="admVppLocationId" choices={vppLocations} error={shownError} />
        <Choice label={t.newTokens.segment} name="segmentId" choices={segments} error={shownError} />
        <div className="row">
          <label>
            {t.newTokens.displayName}
            <input name="displayName" maxLength={128} />
          </label>
          <label>
            {t.newTokens.tags}
            <input name="tags" placeholder={t.tokens.tagsHint} />
          </label>
          <label>
            {t.newTokens.duration}
            <input name="duration" type="number" min={1} max={30} step="any" placeholder="1" />
          </label>
          <label>
            {t.newTokens.language}
            <select name="language" defaultValue={language}>
              {Object.entries(LANGUAGES).map(([code, messages]) => <option key={code} value={code} lang={code}>{messages.languageName}</option>)}
            </select>
          </label>
        </div>
        <label>
          {t.newTokens.emailText}
          <textarea name="emailText" rows={3} maxLength={5000} />
        </label>
        <button type="submit" className="primary" disabled={progress !== null}>{t.newTokens.create}</button>
      </form>

      {progress && (
        <div role="status" className="progress">
          <label>
            {t.newTokens.creating(progress.done, progress.total)}
            <progress max={progress.total} value={progress.done} />
          </label>
        </div>
      )}
      <ErrorNotice error={shownError} />
      {result && !progress && (
        <div className="result">
          <p role="status">{t.newTokens.result(result.success, result.fail)}</p>
          {result.tokens.length === 1 && <Link href={`/tokens/${platform}/${result.tokens[0]!.id}`}>{t.newTokens.openToken}</Link>}
          {result.failures.length > 0 && (
            <div className="table-wrap" role="region" tabIndex={0} aria-label={t.newTokens.failures}>
              <table>
                <caption>{t.newTokens.failures}</caption>
                <thead>
                  <tr><th scope="col">{t.newTokens.address}</th><th scope="col">{t.newTokens.reason}</th></tr>
                </thead>
                <tbody>
                  {result.failures.map((failure, index) => (
                    <tr key={`${index}-${failure.email}`}><td>{failure.email}</td><td>{failure.message}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
