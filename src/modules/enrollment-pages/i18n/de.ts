import type { PageStrings } from './types.ts';

export const de: PageStrings = {
  title: 'Registrieren Sie Ihr {{device}} bei {{org}}',
  intro: '{{org}} lädt Sie ein, dieses Gerät ({{device}}) in der Geräteverwaltung zu registrieren.',
  stepsTitle: 'So registrieren Sie es',
  apple: {
    action: 'Registrierungsprofil laden',
    steps: [
      'Öffnen Sie diese Seite auf dem iPhone, iPad oder Mac, das Sie registrieren möchten, tippen Sie auf „Registrierungsprofil laden“ und erlauben Sie den Download.',
      'Öffnen Sie die Einstellungen und tippen Sie auf „Profil geladen“ (auf dem Mac: Systemeinstellungen → Datenschutz & Sicherheit → Profile).',
      'Tippen Sie auf „Installieren“ und geben Sie den Gerätecode ein.',
      'Bestätigen Sie, dass Sie der Fernverwaltung vertrauen.',
    ],
  },
  android: {
    qrTitle: 'Firmengerät (neu oder zurückgesetzt)',
    qrHint: 'Tippen Sie auf dem Begrüßungsbildschirm sechsmal auf dieselbe Stelle, um den QR-Scanner zu öffnen, und scannen Sie diesen Code.',
    workProfileTitle: 'Privates Gerät (Arbeitsprofil)',
    workProfileHint: 'Öffnen Sie diese Seite auf dem Gerät und richten Sie ein Arbeitsprofil ein: Ihre privaten Apps und Daten bleiben privat.',
    workProfileAction: 'Arbeitsprofil einrichten',
    steps: ['Scannen Sie den QR-Code oder öffnen Sie den Link für das Arbeitsprofil, wie oben beschrieben.', 'Verbinden Sie sich mit dem WLAN, wenn Sie dazu aufgefordert werden.', 'Folgen Sie den Anweisungen, bis die Einrichtung abgeschlossen ist.'],
  },
  windows: {
    action: 'Diesen PC registrieren',
    steps: ['Öffnen Sie diese Seite auf dem Windows-PC, den Sie registrieren möchten, und wählen Sie „Diesen PC registrieren“.', 'Windows öffnet „Auf Arbeits- oder Schulkonto zugreifen“ mit Ihren Angaben: Bestätigen Sie sie.', 'Warten Sie, bis Windows meldet, dass das Gerät verbunden ist.'],
    manualTitle: 'Falls die Schaltfläche die Windows-Einstellungen nicht öffnet',
    manualSteps: [
      'Öffnen Sie Einstellungen → Konten → Auf Arbeits- oder Schulkonto zugreifen.',
      'Wählen Sie „Nur für die Geräteverwaltung registrieren“.',
      'Geben Sie {{email}} ein; wenn nach der Serveradresse gefragt wird, geben Sie {{server}} ein.',
      'Wenn ein Code verlangt wird, geben Sie {{code}} ein.',
    ],
    serverLabel: 'Serveradresse',
    accountLabel: 'Konto',
  },
  expired: { title: 'Dieser Registrierungslink ist abgelaufen', body: 'Bitten Sie Ihr IT-Team um eine neue Einladung.' },
  used: { title: 'Dieser Registrierungslink wurde bereits verwendet', body: 'Mit diesem Link wurde bereits ein Gerät registriert. Wenn Sie das nicht waren oder ein weiteres Gerät registrieren möchten, bitten Sie Ihr IT-Team um eine neue Einladung.' },
  notFound: { title: 'Registrierungslink nicht gefunden', body: 'Prüfen Sie, ob Sie den vollständigen Link aus Ihrer Einladung geöffnet haben, oder bitten Sie Ihr IT-Team um einen neuen.' },
  tooMany: { title: 'Zu viele Versuche', body: 'Warten Sie eine Minute und versuchen Sie es dann erneut.' },
};
