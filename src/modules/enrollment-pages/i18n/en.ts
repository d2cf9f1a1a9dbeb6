import type { PageStrings } from './types.ts';

export const en: PageStrings = {
  title: 'Enroll your {{device}} with {{org}}',
  intro: '{{org}} invites you to enroll this {{device}} in its device management.',
  stepsTitle: 'How to enroll',
  apple: {
    action: 'Download the enrollment profile',
    steps: [
      'Open this page on the iPhone, iPad or Mac you want to enroll and tap "Download the enrollment profile"; allow the download.',
      'Open Settings and tap "Profile Downloaded" (on a Mac: System Settings → Privacy & Security → Profiles).',
      'Tap "Install" and enter your device passcode.',
      'Confirm that you trust the remote management.',
    ],
  },
  android: {
    qrTitle: 'Company device (new or reset)',
    qrHint: 'On the welcome screen, tap the same spot six times to open the QR scanner, then scan this code.',
    workProfileTitle: 'Personal device (work profile)',
    workProfileHint: 'Open this page on the device and set up a work profile: your personal apps and data stay private.',
    workProfileAction: 'Set up a work profile',
    steps: [
      'Scan the QR code or open the work-profile link, as above.',
      'Connect to Wi-Fi when asked.',
      'Follow the prompts until the setup finishes.',
    ],
  },
  windows: {
    action: 'Enroll this PC',
    steps: ['Open this page on the Windows PC you want to enroll and select "Enroll this PC".', 'Windows opens "Access work or school" with your details: confirm them.', 'Wait until Windows reports that the device is connected.'],
    manualTitle: 'If the button does not open Windows settings',
    manualSteps: [
      'Open Settings → Accounts → Access work or school.',
      'Select "Enroll only in device management".',
      'Enter {{email}}; when asked for the server address, enter {{server}}.',
      'If asked for a code, enter {{code}}.',
    ],
    serverLabel: 'Server address',
    accountLabel: 'Account',
  },
  expired: { title: 'This enrollment link has expired', body: 'Ask your IT team for a new invitation.' },
  used: { title: 'This enrollment link has already been used', body: 'A device has already enrolled with it. If that was not you, or you need to enroll another device, ask your IT team for a new invitation.' },
  notFound: { title: 'Enrollment link not found', body: 'Check that you opened the whole link from your invitation, or ask your IT team for a new one.' },
  tooMany: { title: 'Too many attempts', body: 'Wait a minute, then try again.' },
};
