import type { InvitationStrings } from './types.ts';

export const fr: InvitationStrings = {
  subject: 'Inscrivez votre {{device}} auprès de {{org}}',
  greeting: 'Bonjour {{name}},',
  greetingNoName: 'Bonjour,',
  intro: '{{org}} vous invite à inscrire votre {{device}} dans sa gestion des appareils afin que vos applications professionnelles, le Wi-Fi et la messagerie soient configurés automatiquement.',
  button: 'Commencer l’inscription',
  codeLabel: 'Code d’inscription',
  displayLabel: 'Appareil : {{displayName}}',
  expires: 'Cette invitation expire le {{date}}.',
  noteFrom: 'Un message de votre équipe informatique :',
  stepsTitle: 'Comment vous inscrire',
  linkFallback: 'Si le bouton ne fonctionne pas, ouvrez ce lien sur l’appareil :',
  help: 'Des questions ? Contactez {{contact}}.',
  ignore: 'Si vous n’attendiez pas cette invitation, vous pouvez ignorer cet e-mail.',
};
