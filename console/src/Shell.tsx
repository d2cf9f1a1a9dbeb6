/**
 * The signed-in frame: the organization (a switcher for the root key), the navigation, the
 * language, sign-out, and the screen of the current URL (under /console, so every screen can be
 * bookmarked and opened in a new tab).
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Redirect, Route, Router, Switch, useLocation } from 'wouter';
import type { OpenSession } from './api.ts';
import { useBulkJobs } from './bulk-jobs.ts';
import { LanguagePicker } from './components/LanguagePicker.tsx';
import { useI18n } from './i18n/index.tsx';
import { ApiKeys } from './screens/ApiKeys.tsx';
import { Devices } from './screens/Devices.tsx';
import { NewTokens } from './screens/NewTokens.tsx';
import { Overview } from './screens/Overview.tsx';
import { Settings } from './screens/Settings.tsx';
import { TokenDetail } from './screens/TokenDetail.tsx';
import { Tokens } from './screens/Tokens.tsx';
import { Users } from './screens/Users.tsx';
import { WebhookDetail, Webhooks } from './screens/Webhooks.tsx';
import { SessionContext, sessionOf } from './session.tsx';

const ORGANIZATION_STORAGE_KEY = 'enrolld.organization';

function NavLink({ href, children }: { href: string; children: string }) {
  const [location] = useLocation();
  const current = href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`);
  return (
    <Link href={href} aria-current={current ? 'page' : undefined} className={current ? 'current' : undefined}>
      {children}
    </Link>
  );
}

/** The root key's organizations, to pick the one the screens show. */
function useOrganizationChoice(session: OpenSession) {
  const isRoot = session.signedInAs.kind === 'root';
  const organizations = useQuery({
    queryKey: ['organizations'],
    enabled: isRoot,
    queryFn: () => session.client.unwrap(session.client.api.GET('/v1/organizations', { params: { query: { limit: 500 } } })),
  });
  const [chosen, setChosen] = useState(() => sessionStorage.getItem(ORGANIZATION_STORAGE_KEY));
  if (!isRoot) return { organizationId: session.signedInAs.organizationId, organizations: [], choose: () => undefined, loading: false };
  const items = organizations.data?.items ?? [];
  const organizationId = items.find((organization) => organization.id === chosen)?.id ?? items[0]?.id ?? null;
  return {
    organizationId,
    organizations: items,
    loading: organizations.isPending,
    choose(id: string) {
      sessionStorage.setItem(ORGANIZATION_STORAGE_KEY, id);
      setChosen(id);
    },
  };
}

export function Shell({ session, onSignOut }: { session: OpenSession; onSignOut(): void }) {
  const { t } = useI18n();
  const choice = useOrganizationChoice(session);
  const { signedInAs } = session;
  const running = useBulkJobs().filter((job) => job.running);
  const readOnly = signedInAs.kind !== 'root' && !signedInAs.permissions.some((permission) => /\.(create|update|remove)$/.test(permission));

  return (
    <Router base="/console">
      <a className="skip" href="#content">{t.skipToContent}</a>
      <header className="top">
        <span className="brand">{t.appName}</span>
        {signedInAs.kind === 'root' ? (
          choice.organizations.length > 0 && (
            <label className="inline">
              {t.shell.organization}{' '}
              <select value={choice.organizationId ?? ''} onChange={(event) => choice.choose(event.target.value)}>
                {choice.organizations.map((organization) => (
                  <option key={organization.id} value={organization.id}>{organization.name}</option>
                ))}
              </select>
            </label>
          )
        ) : (
          <span className="who">{signedInAs.organizationSlug}</span>
        )}
        <span className="who">{signedInAs.kind === 'root' ? t.shell.signedInAsRoot : readOnly ? t.shell.readOnly : ''}</span>
        {running.map((job) => (
          <p key={job.id} role="status" className="job">
            <Link href={`/tokens/${job.platform}/new`}>{t.newTokens.creating(job.done, job.total)}</Link> <progress max={job.total} value={job.done} aria-hidden="true" />
          </p>
        ))}
        <LanguagePicker />
        <button type="button" onClick={onSignOut}>{t.shell.signOut}</button>
      </header>
      <nav aria-label={t.shell.navigation} className="side">
        <NavLink href="/">{t.shell.overview}</NavLink>
        <NavLink href="/tokens">{t.shell.tokens}</NavLink>
        <NavLink href="/users">{t.shell.users}</NavLink>
        <NavLink href="/devices">{t.shell.devices}</NavLink>
        <NavLink href="/settings">{t.shell.settings}</NavLink>
        <NavLink href="/webhooks">{t.shell.webhooks}</NavLink>
        <NavLink href="/api-keys">{t.shell.apiKeys}</NavLink>
      </nav>
      <main id="content" tabIndex={-1}>
        {choice.organizationId ? (
          <SessionContext.Provider value={sessionOf(session.client, signedInAs, choice.organizationId)}>
            <Switch key={choice.organizationId}>
              <Route path="/"><Overview /></Route>
              <Route path="/tokens"><Redirect to="/tokens/apple" replace /></Route>
              <Route path="/tokens/:platform/new">{(params) => <NewTokens platform={params.platform} />}</Route>
              <Route path="/tokens/:platform/:tokenId">{(params) => <TokenDetail platform={params.platform} tokenId={params.tokenId} />}</Route>
              <Route path="/tokens/:platform">{(params) => <Tokens platform={params.platform} />}</Route>
              <Route path="/users"><Users /></Route>
              <Route path="/devices"><Redirect to="/devices/apple" replace /></Route>
              <Route path="/devices/:platform">{(params) => <Devices platform={params.platform} />}</Route>
              <Route path="/settings"><Redirect to="/settings/apple" replace /></Route>
              <Route path="/settings/:platform">{(params) => <Settings platform={params.platform} />}</Route>
              <Route path="/webhooks"><Webhooks /></Route>
              <Route path="/webhooks/:webhookId">{(params) => <WebhookDetail webhookId={params.webhookId} />}</Route>
              <Route path="/api-keys"><ApiKeys /></Route>
              <Route><Redirect to="/" replace /></Route>
            </Switch>
          </SessionContext.Provider>
        ) : (
          <p>{choice.loading ? t.common.loading : t.shell.noOrganizations}</p>
        )}
      </main>
    </Router>
  );
}
