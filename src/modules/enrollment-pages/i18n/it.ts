import type { PageStrings } from './types.ts';

export const it: PageStrings = {
  title: 'Registra il tuo {{device}} con {{org}}',
  intro: '{{org}} ti invita a registrare questo dispositivo ({{device}}) nella sua gestione dei dispositivi.',
  stepsTitle: 'Come registrarlo',
  apple: {
    action: 'Scarica il profilo di registrazione',
    steps: [
      'Apri questa pagina sull’iPhone, iPad o Mac da registrare e tocca «Scarica il profilo di registrazione»; consenti il download.',
      'Apri Impostazioni e tocca «Profilo scaricato» (su un Mac: Impostazioni di Sistema → Privacy e sicurezza → Profili).',
      'Tocca «Installa» e inserisci il codice del dispositivo.',
      'Conferma di considerare attendibile la gestione remota.',
    ],
  },
  android: {
    qrTitle: 'Dispositivo aziendale (nuovo o ripristinato)',
    qrHint: 'Nella schermata di benvenuto tocca sei volte lo stesso punto per aprire il lettore QR, poi scansiona questo codice.',
    workProfileTitle: 'Dispositivo personale (profilo di lavoro)',
    workProfileHint: 'Apri questa pagina sul dispositivo e configura un profilo di lavoro: le tue app e i tuoi dati personali restano privati.',
    workProfileAction: 'Configura un profilo di lavoro',
    steps: ['Scansiona il codice QR o apri il link del profilo di lavoro, come sopra.', 'Connettiti al Wi-Fi quando richiesto.', 'Segui le istruzioni fino al termine della configurazione.'],
  },
  windows: {
    action: 'Registra questo PC',
    steps: ['Apri questa pagina sul PC Windows da registrare e seleziona «Registra questo PC».', 'Windows apre «Accedi all’azienda o all’istituto di istruzione» con i tuoi dati: confermali.', 'Attendi che Windows indichi che il dispositivo è connesso.'],
    manualTitle: 'Se il pulsante non apre le impostazioni di Windows',
    manualSteps: [
      'Apri Impostazioni → Account → Accedi all’azienda o all’istituto di istruzione.',
      'Seleziona «Registra solo nella gestione dei dispositivi».',
      'Inserisci {{email}}; quando viene chiesto l’indirizzo del server, inserisci {{server}}.',
      'Se viene chiesto un codice, inserisci {{code}}.',
    ],
    serverLabel: 'Indirizzo del server',
    accountLabel: 'Account',
  },
  expired: { title: 'Questo link di registrazione è scaduto', body: 'Chiedi un nuovo invito al tuo team IT.' },
  used: { title: 'Questo link di registrazione è già stato usato', body: 'Un dispositivo si è già registrato con questo link. Se non sei stato tu, o devi registrare un altro dispositivo, chiedi un nuovo invito al tuo team IT.' },
  notFound: { title: 'Link di registrazione non trovato', body: 'Controlla di aver aperto il link completo del tuo invito o chiedine uno nuovo al tuo team IT.' },
  tooMany: { title: 'Troppi tentativi', body: 'Attendi un minuto e riprova.' },
};
