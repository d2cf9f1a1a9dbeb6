import type { InvitationStrings } from './types.ts';

export const fr: InvitationStrings = {
  device: { apple: 'iPhone, iPad ou Mac', windows: 'PC Windows', android: 'appareil Android' },
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
  steps: {
    apple: [
      'Ouvrez cet e-mail sur l’iPhone, l’iPad ou le Mac à inscrire et touchez « Commencer l’inscription ».',
      'Téléchargez le profil d’inscription lorsque cela vous est demandé.',
      'Ouvrez Réglages, touchez « Profil téléchargé » puis « Installer ».',
      'Confirmez avec le code de l’appareil et acceptez la gestion à distance.',
    ],
    windows: [
      'Ouvrez cet e-mail sur le PC Windows à inscrire et sélectionnez « Commencer l’inscription ».',
      'Windows ouvre « Accès Professionnel ou Scolaire » : confirmez le compte et le serveur affichés.',
      'Si on vous le demande, saisissez le code d’inscription ci-dessous.',
      'Attendez que Windows indique que l’appareil est connecté.',
    ],
    android: [
      'Sur un appareil neuf ou réinitialisé, touchez six fois l’écran d’accueil pour ouvrir le lecteur de QR code.',
      'Scannez le QR code de cet e-mail et connectez-vous au Wi-Fi.',
      'Pour un appareil personnel avec profil professionnel, ouvrez plutôt le lien d’inscription sur l’appareil.',
      'Suivez les instructions jusqu’à la fin de la configuration.',
    ],
  },
  qrHint: 'Scannez ce code depuis l’écran d’accueil de l’appareil :',
  linkFallback: 'Si le bouton ne fonctionne pas, ouvrez ce lien sur l’appareil :',
  help: 'Des questions ? Contactez {{contact}}.',
  ignore: 'Si vous n’attendiez pas cette invitation, vous pouvez ignorer cet e-mail.',
};
