import type { InvitationStrings } from './types.ts';

export const it: InvitationStrings = {
  device: { apple: 'iPhone, iPad o Mac', windows: 'PC Windows', android: 'dispositivo Android' },
  subject: 'Registra il tuo {{device}} presso {{org}}',
  greeting: 'Ciao {{name}},',
  greetingNoName: 'Ciao,',
  intro: '{{org}} ti invita a registrare il tuo {{device}} nella gestione dei dispositivi, così app di lavoro, Wi-Fi ed e-mail vengono configurate automaticamente.',
  button: 'Avvia la registrazione',
  codeLabel: 'Codice di registrazione',
  displayLabel: 'Dispositivo: {{displayName}}',
  expires: 'Questo invito scade il {{date}}.',
  noteFrom: 'Un messaggio dal tuo team IT:',
  stepsTitle: 'Come registrarti',
  steps: {
    apple: [
      'Apri questa e-mail sull’iPhone, iPad o Mac da registrare e tocca «Avvia la registrazione».',
      'Scarica il profilo di registrazione quando richiesto.',
      'Apri Impostazioni, tocca «Profilo scaricato» e poi «Installa».',
      'Conferma con il codice del dispositivo e accetta la gestione remota.',
    ],
    windows: [
      'Apri questa e-mail sul PC Windows da registrare e seleziona «Avvia la registrazione».',
      'Windows apre «Accedi all’azienda o all’istituto di istruzione»: conferma l’account e il server mostrati.',
      'Se richiesto, inserisci il codice di registrazione qui sotto.',
      'Attendi che Windows indichi che il dispositivo è connesso.',
    ],
    android: [
      'Su un dispositivo nuovo o ripristinato, tocca sei volte la schermata di benvenuto per aprire il lettore QR.',
      'Scansiona il codice QR di questa e-mail e connettiti al Wi-Fi.',
      'Per un dispositivo personale con profilo di lavoro, apri invece il link di registrazione sul dispositivo.',
      'Segui le istruzioni fino al termine della configurazione.',
    ],
  },
  qrHint: 'Scansiona questo codice dalla schermata di benvenuto del dispositivo:',
  linkFallback: 'Se il pulsante non funziona, apri questo link sul dispositivo:',
  help: 'Domande? Contatta {{contact}}.',
  ignore: 'Se non aspettavi questo invito, puoi ignorare questa e-mail.',
};
