import type { InvitationStrings } from './types.ts';

export const en: InvitationStrings = {
  subject: 'Enroll your {{device}} with {{org}}',
  greeting: 'Hello {{name}},',
  greetingNoName: 'Hello,',
  intro: '{{org}} invites you to enroll your {{device}} in its device management, so you get your work apps, Wi-Fi and email set up automatically.',
  button: 'Start enrollment',
  codeLabel: 'Enrollment code',
  displayLabel: 'Device: {{displayName}}',
  expires: 'This invitation expires on {{date}}.',
  noteFrom: 'A note from your IT team:',
  stepsTitle: 'How to enroll',
  linkFallback: 'If the button does not work, open this link on the device:',
  help: 'Questions? Contact {{contact}}.',
  ignore: 'If you did not expect this invitation, you can ignore this email.',
};
