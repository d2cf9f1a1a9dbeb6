/**
 * The organization's MDM users: search, page, add one, edit a name, language or tags, delete
 * (the API refuses while the user has pending tokens, and the refusal is shown), and each user's
 * tokens per platform.
 */
import type { MdmUser } from '@enrolld/client';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { ErrorNotice, fieldProblems } from '../components/ErrorNotice.tsx';
import { Field } from '../components/Field.tsx';
import { Listing } from '../components/Listing.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { type Language, LANGUAGES, useI18n } from '../i18n/index.tsx';
import { PLATFORM_NAMES, PLATFORMS } from '../platforms.ts';
import { useSession } from '../session.tsx';

const LIST = '/v1/organizations/{organizationId}/mdm/users';
const ONE = '/v1/organizations/{organizationId}/mdm/users/{mdmUserId}';

interface UserFields {
  email?: string;
  name: string | null;
  language: Language;
  tags: string[];
}

function fieldsOf(form: HTMLFormElement): UserFields & { email: string } {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  return {
    email: text('email'),
    name: text('name') || null,
    language: text('language') as Language,
    tags: text('tags').split(',').map((tag) => tag.trim()).filter(Boolean),
  };
}

/** The fields of a user, to add one (with an address) or edit one (without: the address stays). */
function UserForm({ user, error, busy, submitLabel, onSubmit, onCancel }: { user?: MdmUser; error: unknown; busy: boolean; submitLabel: string; onSubmit(fields: UserFields & { email: string }, form: HTMLFormElement): void; onCancel?(): void }) {
  const { t, language } = useI18n();
  return (
    <form
      className="row card"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(fieldsOf(event.currentTarget), event.currentTarget);
      }}
    >
      {!user && (
        <Field label={t.users.email} problems={fieldProblems(error, 'email')}>
          {(control) => <input {...control} name="email" type="email" required maxLength={320} />}
        </Field>
      )}
      <Field label={t.users.name} problems={fieldProblems(error, 'name')}>
        {(control) => <input {...control} name="name" defaultValue={user?.name ?? ''} maxLength={128} />}
      </Field>
      <Field label={t.users.language} problems={fieldProblems(error, 'language')}>
        {(control) => (
          <select {...control} name="language" defaultValue={user?.language ?? language}>
            {Object.entries(LANGUAGES).map(([code, messages]) => <option key={code} value={code} lang={code}>{messages.languageName}</option>)}
          </select>
        )}
      </Field>
      <Field label={t.users.tags} hint={t.tokens.tagsHint} problems={fieldProblems(error, 'tags')}>
        {(control) => <input {...control} name="tags" defaultValue={user?.tags.join(', ') ?? ''} />}
      </Field>
      <button type="submit" className="primary" disabled={busy}>{submitLabel}</button>
      {onCancel && <button type="button" onClick={onCancel}>{t.common.cancel}</button>}
    </form>
  );
}

export function Users() {
  const { t, formatDate } = useI18n();
  const { client, organizationId, may } = useSession();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const query = { page, limit: 25, ...(search.trim() ? { search: search.trim() } : {}) };
  const users = useQuery({
    queryKey: ['users', organizationId, query],
    queryFn: () => client.unwrap(client.api.GET(LIST, { params: { path: { organizationId }, query } })),
    placeholderData: keepPreviousData,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users', organizationId] });
  const add = useMutation({
    mutationFn: (body: UserFields & { email: string }) => client.unwrap(client.api.POST(LIST, { params: { path: { organizationId } }, body })),
    onSuccess: refresh,
  });
  const update = useMutation({
    mutationFn: ({ mdmUserId, body }: { mdmUserId: string; body: UserFields }) => client.unwrap(client.api.PUT(ONE, { params: { path: { organizationId, mdmUserId } }, body })),
    onSuccess: () => {
      setEditing(null);
      setNotice(t.users.saved);
      return refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (mdmUserId: string) => client.unwrap(client.api.DELETE(ONE, { params: { path: { organizationId, mdmUserId } } })),
    onSuccess: refresh,
  });
  const items = users.data?.items ?? [];
  const canEdit = may('mdm.global.mdmUser.update');
  const canRemove = may('mdm.global.mdmUser.remove');

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t.users.title}</h1>
      {may('mdm.global.mdmUser.create') && (
        <UserForm error={add.error} busy={add.isPending} submitLabel={t.users.add} onSubmit={(fields, form) => add.mutate(fields, { onSuccess: () => form.reset() })} />
      )}
      <ErrorNotice error={add.error} />
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t.common.search}
          <input type="search" value={search} onChange={(event) => { setSearch(event.target.value); setPage(1); }} />
        </label>
      </form>
      {notice && <p role="status" className="notice">{notice}</p>}
      <ErrorNotice error={users.error ?? remove.error} />
      {editing && (
        <>
          <UserForm
            key={editing}
            user={items.find((user) => user.id === editing)}
            error={update.error}
            busy={update.isPending}
            submitLabel={t.common.save}
            onSubmit={({ name, language, tags }) => update.mutate({ mdmUserId: editing, body: { name, language, tags } })}
            onCancel={() => setEditing(null)}
          />
          <ErrorNotice error={update.error} />
        </>
      )}
      <Listing pending={users.isPending} count={items.length} empty={t.users.empty} label={t.users.title}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.users.email}</th>
              <th scope="col">{t.users.name}</th>
              <th scope="col">{t.users.language}</th>
              <th scope="col">{t.users.created}</th>
              <th scope="col">{t.users.tokens}</th>
              {(canEdit || canRemove) && <th scope="col"><span className="visually-hidden">{t.users.edit}</span></th>}
            </tr>
          </thead>
          <tbody>
            {items.map((user) => (
              <tr key={user.id}>
                <td>{user.email}</td>
                <td>{user.name ?? t.common.none}</td>
                <td>{LANGUAGES[user.language as Language]?.languageName ?? user.language}</td>
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
                {(canEdit || canRemove) && (
                  <td>
                    <span className="links">
                      {canEdit && <button type="button" aria-label={t.users.editNamed(user.email)} onClick={() => { setNotice(null); setEditing(user.id); }}>{t.users.edit}</button>}
                      {canRemove && (
                        <button type="button" className="danger" aria-label={t.users.removeNamed(user.email)} disabled={remove.isPending} onClick={() => window.confirm(t.common.confirm) && remove.mutate(user.id)}>
                          {t.users.remove}
                        </button>
                      )}
                    </span>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </Listing>
      <Pagination info={users.data} onPage={setPage} />
    </section>
  );
}
