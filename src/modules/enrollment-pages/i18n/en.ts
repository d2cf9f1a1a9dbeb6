import type { PageStrings } from './types.ts';

export const en: PageStrings = {
  title: 'Enroll your {{device}} with {{org}}',
  intro: '{{org}} invites you to enroll this {{device}} in its device management.',
  stepsTitle: 'How to enroll',
  expired: {
    title: 'This enrollment link has expired',
    body: 'Ask your IT team for a new invitation.',
  },
  used: {
    title: 'This enrollment link has already been used',
    body: 'A device has already enrolled with it. If that was not you, or you need to enroll another device, ask your IT team for a new invitation.',
  },
  notFound: {
    title: 'Enrollment link not found',
    body: 'Check that you opened the whole link from your invitation, or ask your IT team for a new one.',
  },
  notConfigured: '{{org}} has not finished setting up device management yet, so this enrollment cannot complete. Please contact your IT team before you start.',
  preparing: 'Your enrollment is still being prepared. Please try again in a few minutes.',
  provisioningFailed: '{{org}} could not prepare this enrollment. Please contact your IT team.',
  tooMany: {
    title: 'Too many attempts',
    body: 'Wait a minute, then try again.',
  },
};
