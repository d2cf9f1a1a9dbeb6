/**
 * A platform's MDM settings as the enterprise answers them (Apple: serverUrl, topic, scepUrl, …;
 * Windows: discoveryUrl; Android: the DPC), edited field by field: only changed fields are sent,
 * an emptied nullable field is sent as null, and the server's refusals show beside their field.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Field } from '../../components/Field.tsx';
import { ErrorNotice, fieldProblems } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { Platform } from '../../platforms.ts';
import { useSession } from '../../session.tsx';

/** What the server computes about the settings, not settings themselves. */
const COMPUTED = new Set(['placeholders', 'configured', 'warning']);
type Value = string | number | boolean | null;

export const enterprisePath = (platform: Platform) => `/v1/organizations/{organizationId}/mdm/${platform}/enterprise` as '/v1/organizations/{organizationId}/mdm/apple/enterprise';

export function MdmSettings({ platform, settings }: { platform: Platform; settings: Record<string, unknown> }) {
  const { t } = useI18n();
  const { client, organizationId, may } = useSession();
  const queryClient = useQueryClient();
  const fields = Object.entries(settings).filter(([name, value]) => !COMPUTED.has(name) && (value === null || ['string', 'number', 'boolean'].includes(typeof value))) as [string, Value][];
  const [edited, setEdited] = useState<Record<string, Value>>({});
  const [saved, setSaved] = useState(false);
  const canEdit = may(`mdm.${platform}.enterprise.update`);

  const save = useMutation({
    mutationFn: () => client.unwrap(client.api.PUT(enterprisePath(platform), { params: { path: { organizationId } }, body: { settings: edited } as never })),
    onSuccess: () => {
      setEdited({});
      setSaved(true);
      return queryClient.invalidateQueries({ queryKey: ['enterprise', organizationId, platform] });
    },
  });
  const change = (name: string, value: Value) => {
    setSaved(false);
    setEdited((current) => ({ ...current, [name]: value }));
  };

  return (
    <form
      className="stack"
      aria-labelledby="mdm-settings-title"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <h2 id="mdm-settings-title">{t.integrations.mdmSettings}</h2>
      {fields.map(([name, original]) => {
        const value = name in edited ? edited[name]! : original;
        const problems = fieldProblems(save.error, `settings/${name}`);
        if (typeof original === 'boolean') {
          return (
            <div key={name} className="field">
              <label className="check">
                <input type="checkbox" checked={value === true} disabled={!canEdit} onChange={(event) => change(name, event.target.checked)} />
                <code>{name}</code>
              </label>
              {problems.map((problem) => <span key={problem} className="field-error">{problem}</span>)}
            </div>
          );
        }
        return (
          <Field key={name} label={<code>{name}</code>} problems={problems}>
            {(control) => (
              <input
                {...control}
                value={value === null ? '' : String(value)}
                inputMode={typeof original === 'number' ? 'numeric' : undefined}
                readOnly={!canEdit}
                onChange={(event) => {
                  const text = event.target.value;
                  change(name, typeof original === 'number' ? (text.trim() === '' ? null : Number(text)) : text === '' && original === null ? null : text);
                }}
              />
            )}
          </Field>
        );
      })}
      <ErrorNotice error={save.error} />
      {saved && <p role="status" className="notice">{t.integrations.saved}</p>}
      {canEdit && <button type="submit" className="primary" disabled={save.isPending || Object.keys(edited).length === 0}>{t.integrations.saveSettings}</button>}
    </form>
  );
}
