/**
 * Turns outbox rows into the mails to send: each token as it is now (a revoked or expired token
 * gets no invitation), its user, organization and branding, rendered in the requested language.
 */
import type { Db } from '../../db/database.ts';
import type { Language } from '../../lib/languages.ts';
import { nowIso } from '../../lib/time.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import { enrollmentLink } from '../enrollment-tokens/enrollment-link.ts';
import type { EnrollmentTokenService } from '../enrollment-tokens/enrollment-tokens.service.ts';
import type { EnterpriseService } from '../enterprises/enterprises.service.ts';
import type { Enterprise } from '../enterprises/enterprises.types.ts';
import { isRecipientAllowed, recipientRefusal } from '../organizations/email-domains.ts';
import type { OrganizationService } from '../organizations/organizations.service.ts';
import type { Organization } from '../organizations/organizations.types.ts';
import type { Platform } from '../../platforms/platform-names.ts';
import type { OutboxRow } from './outbox.repository.ts';
import { takeSendingSlots } from './sending-budget.ts';
import { headerSafe, renderInvitation } from './render-invitation.ts';
import type { OutgoingMail } from './transport.ts';

export interface EmailServiceDeps {
  db: Db;
  tokens: Pick<EnrollmentTokenService, 'findByIds'>;
  publicUrl: string;
  mailFrom: string;
  organizations: Pick<OrganizationService, 'find' | 'lockRow'>;
  enterprises: Pick<EnterpriseService, 'getOrCreate'>;
  adapters: Readonly<Record<Platform, PlatformAdapter>>;
}

/** The domain part of MAIL_FROM, for Message-IDs that match the sender. */
export function mailDomainOf(mailFrom: string): string {
  return /@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'localhost';
}

export type ComposedMail = OutgoingMail | { skip: string };

export function createEmailService(deps: EmailServiceDeps) {
  return {
    /**
     * Take sending-budget slots for rows about to be sent (held by `owner`); answers the ids of
     * the rows that must wait (see sending-budget.ts).
     */
    takeSendingSlots: (owner: string, rows: readonly OutboxRow[], limit: number, now: Date) => takeSendingSlots(deps.db, deps.organizations, owner, rows, limit, now),

    /**
     * The mails for a batch of outbox rows, keyed by row id: the tokens in one query, each
     * organization and enterprise read once per batch.
     */
    async composeMails(rows: readonly OutboxRow[]): Promise<Map<string, ComposedMail>> {
      const tokens = new Map((await deps.tokens.findByIds(rows.map((row) => row.tokenId), nowIso())).map((t) => [t.id, t]));
      const organizations = new Map<string, Promise<Organization | null>>();
      const enterprises = new Map<string, Promise<Enterprise>>();
      const composed = new Map<string, ComposedMail>();
      for (const row of rows) {
        const token = tokens.get(row.tokenId);
        if (!token) {
          composed.set(row.id, { skip: 'the token no longer exists' });
          continue;
        }
        if (token.state !== 'PENDING') {
          composed.set(row.id, { skip: `the token is ${token.state}` });
          continue;
        }
        if (!organizations.has(token.organizationId)) organizations.set(token.organizationId, deps.organizations.find(token.organizationId));
        const organization = await organizations.get(token.organizationId)!;
        if (!organization) {
          composed.set(row.id, { skip: 'the organization no longer exists' });
          continue;
        }
        // Checked again at sending time: the allow-list may have been set after the invitation was queued.
        if (!isRecipientAllowed(organization.emailDomains, token.mdmUser.email)) {
          composed.set(row.id, { skip: `the recipient ${recipientRefusal(organization.emailDomains!, token.mdmUser.email)}` });
          continue;
        }
        const enterpriseKey = `${token.organizationId}/${token.platform}`;
        if (!enterprises.has(enterpriseKey)) enterprises.set(enterpriseKey, deps.enterprises.getOrCreate(token.organizationId, token.platform));
        const enterprise = await enterprises.get(enterpriseKey)!;
        const language = (row.language ?? token.language) as Language;
        const rendered = await renderInvitation({
          token,
          organizationName: organization.name,
          enterprise,
          language,
          emailText: row.emailText ?? token.emailText,
          enrollmentLink: enrollmentLink(deps.publicUrl, token),
          qrPayload: deps.adapters[token.platform].invitationQrPayload?.(token, enterprise) ?? null,
          texts: deps.adapters[token.platform].texts,
        });
        composed.set(row.id, {
          from: deps.mailFrom,
          to: { name: headerSafe(token.mdmUser.name ?? '', 100), address: token.mdmUser.email },
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          messageId: row.messageId,
          language,
          attachments: rendered.attachments,
        });
      }
      return composed;
    },
  };
}

export type EmailService = ReturnType<typeof createEmailService>;
