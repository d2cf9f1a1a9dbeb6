import type { InvitationStrings } from './types.ts';

export const en: InvitationStrings = {
  device: { apple: 'iPhone, iPad or Mac', windows: 'Windows PC', android: 'Android device' },
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
  steps: {
    apple: [
      'Open this email on the iPhone, iPad or Mac you want to enroll and tap "Start enrollment".',
      'Download the enrollment profile when asked.',
      'Open Settings, tap "Profile Downloaded" and then "Install".',
      'Confirm with your device passcode and trust the remote management.',
    ],
    windows: [
      'Open this email on the Windows PC you want to enroll and select "Start enrollment".',
      'Windows opens "Access work or school": confirm the account and server shown.',
      'If asked, enter the enrollment code below.',
      'Wait until Windows reports that the device is connected.',
    ],
    android: [
      'On a new or reset device, tap the welcome screen six times to open the QR scanner.',
      'Scan the QR code in this email and connect to Wi-Fi.',
      'For a personal device with a work profile, open the enrollment link on the device instead.',
      'Follow the prompts until the setup finishes.',
    ],
  },
  qrHint: 'Scan this code from the device’s welcome screen:',
  linkFallback: 'If the button does not work, open this link on the device:',
  help: 'Questions? Contact {{contact}}.',
  ignore: 'If you did not expect this invitation, you can ignore this email.',
};
