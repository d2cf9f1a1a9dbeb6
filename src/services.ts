/**
 * The services of one process, wired together once: each module's service gets the other
 * modules' services it calls (never their repositories). The server shares them between its API
 * and its in-process worker; the CLI, the worker process and the tests build their own.
 */
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { createCatalogService } from './modules/catalog/catalog.service.ts';
import { createEnrollmentTokenService } from './modules/enrollment-tokens/enrollment-tokens.service.ts';
import { createEnterpriseService } from './modules/enterprises/enterprises.service.ts';
import { createEmailService, mailDomainOf } from './modules/email/email.service.ts';
import { createInvitationQueue } from './modules/email/invitations.ts';
import { createRedemptionService } from './modules/redemption/redemption.service.ts';
import { createMdmUserService } from './modules/mdm-users/mdm-users.service.ts';
import { createOrganizationService } from './modules/organizations/organizations.service.ts';
import { createServiceAccountService } from './modules/service-accounts/service-accounts.service.ts';
import { createSegmentService } from './modules/segments/segments.service.ts';
import { PLATFORM_ADAPTERS } from './platforms/index.ts';
import { lazySecretBox } from './crypto/secret-box.ts';
import { createEnrollmentPageService } from './modules/enrollment-pages/enrollment-pages.service.ts';
import { createScepChallengeService } from './modules/scep-challenges/scep-challenges.service.ts';
import { createSigningIdentityService } from './modules/signing-identities/signing-identities.service.ts';
import { createMetrics, type Metrics } from './modules/metrics/metrics.ts';
import { createWebhookOutbox } from './modules/webhooks/webhook-outbox.ts';
import { createWebhookService } from './modules/webhooks/webhooks.service.ts';
import { createMdmIntegrationService } from './modules/mdm-integrations/mdm-integrations.service.ts';
import { createMdmHookService } from './modules/mdm-hooks/mdm-hooks.service.ts';
import { createAndroidProvisioning } from './modules/android-management/android-provisioning.ts';
import { createAndroidHookService } from './modules/android-management/android-hooks.service.ts';
import { createIdempotencyService } from './modules/idempotency/idempotency.service.ts';
import { createSessionService } from './modules/sessions/sessions.service.ts';

export interface ServiceHooks {
  /** Called after a commit that queued invitations (the in-process worker wakes up). */
  onInvitationsQueued?: () => void;
  /** Called after a commit that queued webhook deliveries (the in-process worker wakes up). */
  onWebhooksQueued?: () => void;
  /** Called after a commit that queued Android provisioning (the in-process worker wakes up). */
  onProvisioningQueued?: () => void;
}

/** Google's own addresses (config.ts: ENROLLD_GOOGLE_* override them for tests). */
const GOOGLE_DEFAULTS: Config['google'] = { apiRootUrl: null, oauthTokenUrl: null, oidcCertsUrl: null };

/** Whether this process's metrics are served anywhere (ENROLLD_METRICS_TOKEN or ENROLLD_METRICS_PORT). */
export const isMetricsEnabled = (config: Pick<Config, 'metrics'>) => config.metrics.token !== null || config.metrics.port !== null;

/**
 * The services, counting their work in `metrics` (by default a registry of their own, or no-op
 * counters where the configuration serves no metrics; the server passes one registry to its app
 * and its worker so one scrape sees both).
 */
export function createServices(
  database: DatabaseHandle,
  config: Pick<Config, 'publicUrl' | 'mailFrom' | 'secretKey' | 'dataDir' | 'metrics' | 'webhooks'> & Partial<Pick<Config, 'google' | 'sessionIdleMinutes'>>,
  hooks: ServiceHooks = {},
  metrics: Metrics = createMetrics(database, { enabled: isMetricsEnabled(config) }),
) {
  const { db, changeNotices } = database;
  const secrets = lazySecretBox(config);
  const webhookOutbox = createWebhookOutbox({ changeNotices, onQueued: () => hooks.onWebhooksQueued?.() });
  const organizations = createOrganizationService({ db, changeNotices });
  const catalog = createCatalogService({ db });
  const segments = createSegmentService({ db, organizations });
  const enterprises = createEnterpriseService({ db, changeNotices, publicUrl: config.publicUrl, adapters: PLATFORM_ADAPTERS });
  // Users and tokens need each other: deleting a user asks whether it has PENDING tokens, and
  // creating tokens finds (or creates) users. The check is bound late, when it is first called.
  const mdmIntegrations = createMdmIntegrationService({ db, secrets, publicUrl: config.publicUrl });
  const mdmUsers = createMdmUserService({ db, hasPendingTokens: (executor, mdmUserId) => enrollmentTokens.hasPendingTokens(executor, mdmUserId) });
  const enrollmentTokens = createEnrollmentTokenService({
    db,
    publicUrl: config.publicUrl,
    invitations: createInvitationQueue({ mailDomain: mailDomainOf(config.mailFrom) }),
    onInvitationsQueued: hooks.onInvitationsQueued,
    onProvisioningQueued: hooks.onProvisioningQueued,
    provisioning: createAndroidProvisioning({ integrations: mdmIntegrations }),
    webhooks: webhookOutbox,
    adapters: PLATFORM_ADAPTERS,
    metrics: metrics.tokens,
    catalog,
    segments,
    enterprises,
    mdmUsers,
  });
  const signingIdentities = createSigningIdentityService({
    db,
    secrets,
    organizationName: async (organizationId) => (await organizations.find(organizationId))?.name ?? 'enrolld',
  });
  const redemption = createRedemptionService({ db, tokens: enrollmentTokens, metrics: metrics.tokens, webhooks: webhookOutbox });
  const scepChallenges = createScepChallengeService({ db, tokens: enrollmentTokens, audit: redemption });
  const google = config.google ?? GOOGLE_DEFAULTS;
  return {
    google,
    idempotency: createIdempotencyService({ db }),
    sessions: createSessionService({ db, idleMinutes: config.sessionIdleMinutes ?? 30 }),
    metrics,
    organizations,
    signingIdentities,
    scepChallenges,
    enrollmentPages: createEnrollmentPageService({
      db,
      tokens: enrollmentTokens,
      publicUrl: config.publicUrl,
      organizations,
      enterprises,
      signingIdentities,
      scepChallenges,
      adapters: PLATFORM_ADAPTERS,
    }),
    redemption,
    mdmIntegrations,
    mdmHooks: createMdmHookService({ integrations: mdmIntegrations, scepChallenges, redemption, apple: PLATFORM_ADAPTERS.apple }),
    androidHooks: createAndroidHookService({ db, integrations: mdmIntegrations, redemption, android: PLATFORM_ADAPTERS.android, google }),
    email: createEmailService({ db, tokens: enrollmentTokens, publicUrl: config.publicUrl, mailFrom: config.mailFrom, organizations, enterprises, adapters: PLATFORM_ADAPTERS }),
    webhooks: createWebhookService({ db, secrets, allowPrivate: config.webhooks.allowPrivate, onQueued: () => hooks.onWebhooksQueued?.() }),
    webhookOutbox,
    secrets,
    serviceAccounts: createServiceAccountService({ db, changeNotices }),
    mdmUsers,
    catalog,
    segments,
    enterprises,
    enrollmentTokens,
  };
}

export type Services = ReturnType<typeof createServices>;
