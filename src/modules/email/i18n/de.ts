import type { InvitationStrings } from './types.ts';

export const de: InvitationStrings = {
  device: { apple: 'iPhone, iPad oder Mac', windows: 'Windows-PC', android: 'Android-Gerät' },
  subject: 'Registrieren Sie Ihr {{device}} bei {{org}}',
  greeting: 'Hallo {{name}},',
  greetingNoName: 'Hallo,',
  intro: '{{org}} lädt Sie ein, Ihr {{device}} in der Geräteverwaltung zu registrieren, damit Ihre Arbeits-Apps, WLAN und E-Mail automatisch eingerichtet werden.',
  button: 'Registrierung starten',
  codeLabel: 'Registrierungscode',
  displayLabel: 'Gerät: {{displayName}}',
  expires: 'Diese Einladung läuft am {{date}} ab.',
  noteFrom: 'Eine Nachricht Ihres IT-Teams:',
  stepsTitle: 'So registrieren Sie sich',
  steps: {
    apple: [
      'Öffnen Sie diese E-Mail auf dem iPhone, iPad oder Mac, das Sie registrieren möchten, und tippen Sie auf „Registrierung starten“.',
      'Laden Sie das Registrierungsprofil herunter, wenn Sie dazu aufgefordert werden.',
      'Öffnen Sie die Einstellungen, tippen Sie auf „Profil geladen“ und dann auf „Installieren“.',
      'Bestätigen Sie mit dem Gerätecode und vertrauen Sie der Fernverwaltung.',
    ],
    windows: [
      'Öffnen Sie diese E-Mail auf dem Windows-PC, den Sie registrieren möchten, und wählen Sie „Registrierung starten“.',
      'Windows öffnet „Auf Arbeits- oder Schulkonto zugreifen“: Bestätigen Sie das angezeigte Konto und den Server.',
      'Geben Sie bei Aufforderung den unten stehenden Registrierungscode ein.',
      'Warten Sie, bis Windows meldet, dass das Gerät verbunden ist.',
    ],
    android: [
      'Tippen Sie auf einem neuen oder zurückgesetzten Gerät sechsmal auf den Willkommensbildschirm, um den QR-Scanner zu öffnen.',
      'Scannen Sie den QR-Code in dieser E-Mail und verbinden Sie sich mit dem WLAN.',
      'Öffnen Sie auf einem privaten Gerät mit Arbeitsprofil stattdessen den Registrierungslink auf dem Gerät.',
      'Folgen Sie den Anweisungen, bis die Einrichtung abgeschlossen ist.',
    ],
  },
  qrHint: 'Scannen Sie diesen Code auf dem Willkommensbildschirm des Geräts:',
  linkFallback: 'Falls die Schaltfläche nicht funktioniert, öffnen Sie diesen Link auf dem Gerät:',
  help: 'Fragen? Wenden Sie sich an {{contact}}.',
  ignore: 'Wenn Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.',
};
