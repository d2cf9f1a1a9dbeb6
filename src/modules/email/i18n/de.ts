import type { InvitationStrings } from './types.ts';

export const de: InvitationStrings = {
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
  linkFallback: 'Falls die Schaltfläche nicht funktioniert, öffnen Sie diesen Link auf dem Gerät:',
  help: 'Fragen? Wenden Sie sich an {{contact}}.',
  ignore: 'Wenn Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.',
};
