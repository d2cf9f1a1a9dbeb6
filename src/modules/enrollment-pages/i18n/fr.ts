import type { PageStrings } from './types.ts';

export const fr: PageStrings = {
  title: 'Inscrivez votre {{device}} auprès de {{org}}',
  intro: '{{org}} vous invite à inscrire cet appareil ({{device}}) dans sa gestion des appareils.',
  stepsTitle: 'Comment l’inscrire',
  apple: {
    action: 'Télécharger le profil d’inscription',
    steps: [
      'Ouvrez cette page sur l’iPhone, l’iPad ou le Mac à inscrire et touchez « Télécharger le profil d’inscription » ; autorisez le téléchargement.',
      'Ouvrez Réglages et touchez « Profil téléchargé » (sur un Mac : Réglages Système → Confidentialité et sécurité → Profils).',
      'Touchez « Installer » et saisissez le code de l’appareil.',
      'Confirmez que vous faites confiance à la gestion à distance.',
    ],
  },
  android: {
    qrTitle: 'Appareil d’entreprise (neuf ou réinitialisé)',
    qrHint: 'Sur l’écran d’accueil, touchez six fois le même endroit pour ouvrir le lecteur de QR code, puis scannez ce code.',
    workProfileTitle: 'Appareil personnel (profil professionnel)',
    workProfileHint: 'Ouvrez cette page sur l’appareil et configurez un profil professionnel : vos applications et données personnelles restent privées.',
    workProfileAction: 'Configurer un profil professionnel',
    steps: ['Scannez le QR code ou ouvrez le lien du profil professionnel, comme ci-dessus.', 'Connectez-vous au Wi-Fi lorsque cela vous est demandé.', 'Suivez les instructions jusqu’à la fin de la configuration.'],
  },
  windows: {
    action: 'Inscrire ce PC',
    steps: ['Ouvrez cette page sur le PC Windows à inscrire et sélectionnez « Inscrire ce PC ».', 'Windows ouvre « Accès Professionnel ou Scolaire » avec vos informations : confirmez-les.', 'Attendez que Windows indique que l’appareil est connecté.'],
    manualTitle: 'Si le bouton n’ouvre pas les paramètres de Windows',
    manualSteps: [
      'Ouvrez Paramètres → Comptes → Accès Professionnel ou Scolaire.',
      'Sélectionnez « S’inscrire uniquement à la gestion des appareils ».',
      'Saisissez {{email}} ; lorsque l’adresse du serveur est demandée, saisissez {{server}}.',
      'Si un code est demandé, saisissez {{code}}.',
    ],
    serverLabel: 'Adresse du serveur',
    accountLabel: 'Compte',
  },
  expired: { title: 'Ce lien d’inscription a expiré', body: 'Demandez une nouvelle invitation à votre équipe informatique.' },
  used: { title: 'Ce lien d’inscription a déjà été utilisé', body: 'Un appareil s’est déjà inscrit avec ce lien. Si ce n’était pas vous, ou pour inscrire un autre appareil, demandez une nouvelle invitation à votre équipe informatique.' },
  notFound: { title: 'Lien d’inscription introuvable', body: 'Vérifiez que vous avez ouvert le lien complet de votre invitation, ou demandez-en un nouveau à votre équipe informatique.' },
  tooMany: { title: 'Trop de tentatives', body: 'Patientez une minute, puis réessayez.' },
};
