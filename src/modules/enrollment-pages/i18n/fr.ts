import type { PageStrings } from './types.ts';

export const fr: PageStrings = {
  title: 'Inscrivez votre {{device}} auprès de {{org}}',
  intro: '{{org}} vous invite à inscrire cet appareil ({{device}}) dans sa gestion des appareils.',
  stepsTitle: 'Comment l’inscrire',
  expired: {
    title: 'Ce lien d’inscription a expiré',
    body: 'Demandez une nouvelle invitation à votre équipe informatique.',
  },
  used: {
    title: 'Ce lien d’inscription a déjà été utilisé',
    body: 'Un appareil s’est déjà inscrit avec ce lien. Si ce n’était pas vous, ou pour inscrire un autre appareil, demandez une nouvelle invitation à votre équipe informatique.',
  },
  notFound: {
    title: 'Lien d’inscription introuvable',
    body: 'Vérifiez que vous avez ouvert le lien complet de votre invitation, ou demandez-en un nouveau à votre équipe informatique.',
  },
  notConfigured: '{{org}} n’a pas encore fini de configurer la gestion des appareils : cette inscription ne peut donc pas aboutir. Contactez votre équipe informatique avant de commencer.',
  preparing: 'Votre inscription est encore en préparation. Réessayez dans quelques minutes.',
  provisioningFailed: '{{org}} n’a pas pu préparer cette inscription. Contactez votre équipe informatique.',
  tooMany: {
    title: 'Trop de tentatives',
    body: 'Patientez une minute, puis réessayez.',
  },
};
