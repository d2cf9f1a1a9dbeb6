import type { PageStrings } from './types.ts';

export const it: PageStrings = {
  title: 'Registra il tuo {{device}} con {{org}}',
  intro: '{{org}} ti invita a registrare questo dispositivo ({{device}}) nella sua gestione dei dispositivi.',
  stepsTitle: 'Come registrarlo',
  expired: {
    title: 'Questo link di registrazione è scaduto',
    body: 'Chiedi un nuovo invito al tuo team IT.',
  },
  used: {
    title: 'Questo link di registrazione è già stato usato',
    body: 'Un dispositivo si è già registrato con questo link. Se non sei stato tu, o devi registrare un altro dispositivo, chiedi un nuovo invito al tuo team IT.',
  },
  notFound: {
    title: 'Link di registrazione non trovato',
    body: 'Controlla di aver aperto il link completo del tuo invito o chiedine uno nuovo al tuo team IT.',
  },
  notConfigured: '{{org}} non ha ancora completato la configurazione della gestione dei dispositivi, quindi questa registrazione non può essere completata. Contatta il tuo team IT prima di iniziare.',
  preparing: 'La tua registrazione è ancora in preparazione. Riprova tra qualche minuto.',
  provisioningFailed: '{{org}} non è riuscita a preparare questa registrazione. Contatta il tuo team IT.',
  tooMany: {
    title: 'Troppi tentativi',
    body: 'Attendi un minuto e riprova.',
  },
};
