/**
 * Turns an outbox row into the mail to send: the token as it is now (a revoked or expired token
 * gets no invitation), its user, organization and branding, rendered in the requested language.
 */
import type { Db } from '../../db/database.ts';
import type { Language } from '../../http/schemas.ts';
import { nowIso } from '../../lib/time.ts';
import type { PlatformAdapter } from '../../platforms/platform.ts';
import { findTokenById } from '../enrollment-tokens/enrollment-tokens.repository.ts';
import type { EnterpriseService } from '../enterprises/enterprises.service.ts';
import type { OrganizationService } from '../organizations/organizations.service.ts';
import type { Platform } from '../organizations/organizations.types.ts';
import type { OutboxRow } from './outbox.repository.ts';
import { headerSafe, renderInvitation } from './render-invitation.ts';
import type { OutgoingMail } from './transport.ts';

export interface EmailServiceDeps {
  db: Db;
  publicUrl: string;
  mailFrom: string;
  organizations: Pick<OrganizationService, 'find'>;
  enterprises: Pick<EnterpriseService, 'getOrCreate'>;
  adapters: Readonly<Record<Platform, PlatformAdapter>>;
}

/** The domain part of MAIL_FROM, for Message-IDs that match the sender. */
export function mailDomainOf(mailFrom: string): string {
  return /@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'localhost';
}

export function createEmailService(deps: EmailServiceDeps) {
  return {
    async composeMail(row: OutboxRow): Promise<OutgoingMail | { skip: string }> {
      const token = await findTokenById(deps.db, row.organizationId, row.tokenId, nowIso());
      if (!token) return { skip: 'the token no longer exists' };
      if (token.state !== 'PENDING') return { skip: `the token is ${token.state}` };
      const organization = await deps.organizations.find(row.organizationId);
      if (!organization) return { skip: 'the organization no longer exists' };
      const adapter = deps.adapters[token.platform];
      const enterprise = await deps.enterprises.getOrCreate(row.organizationId, token.platform);
      const language = (row.language ?? token.language) as Language;
      const rendered = await renderInvitation({
        token,
        organizationName: organization.name,
        enterprise,
        language,
        emailText: row.emailText ?? token.emailText,
        enrollmentLink: `${deps.publicUrl}/enroll/${token.platform}/${token.enrollCode}`,
        qrPayload: adapter.invitationQrPayload?.(token, enterprise) ?? null,
      });
      return {
        from: deps.mailFrom,
        to: { name: headerSafe(token.mdmUser.name ?? '', 100), address: token.mdmUser.email },
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        messageId: row.messageId,
        language,
        attachments: rendered.attachments,
      };
    },
  };
}

export type EmailService = ReturnType<typeof createEmailService>;
