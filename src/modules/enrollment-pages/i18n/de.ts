import type { PageStrings } from './types.ts';

export const de: PageStrings = {
  title: 'Registrieren Sie Ihr {{device}} bei {{org}}',
  intro: '{{org}} lädt Sie ein, dieses Gerät ({{device}}) in der Geräteverwaltung zu registrieren.',
  stepsTitle: 'So registrieren Sie es',
  expired: {
    title: 'Dieser Registrierungslink ist abgelaufen',
    body: 'Bitten Sie Ihr IT-Team um eine neue Einladung.',
  },
  used: {
    title: 'Dieser Registrierungslink wurde bereits verwendet',
    body: 'Mit diesem Link wurde bereits ein Gerät registriert. Wenn Sie das nicht waren oder ein weiteres Gerät registrieren möchten, bitten Sie Ihr IT-Team um eine neue Einladung.',
  },
  notFound: {
    title: 'Registrierungslink nicht gefunden',
    body: 'Prüfen Sie, ob Sie den vollständigen Link aus Ihrer Einladung geöffnet haben, oder bitten Sie Ihr IT-Team um einen neuen.',
  },
  notConfigured: '{{org}} hat die Geräteverwaltung noch nicht fertig eingerichtet, daher kann diese Registrierung nicht abgeschlossen werden. Bitte wende dich an dein IT-Team, bevor du beginnst.',
  preparing: 'Deine Registrierung wird noch vorbereitet. Bitte versuche es in ein paar Minuten erneut.',
  provisioningFailed: '{{org}} konnte diese Registrierung nicht vorbereiten. Bitte wende dich an dein IT-Team.',
  tooMany: {
    title: 'Zu viele Versuche',
    body: 'Warten Sie eine Minute und versuchen Sie es dann erneut.',
  },
};
