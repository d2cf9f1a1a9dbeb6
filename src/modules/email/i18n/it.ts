import type { InvitationStrings } from './types.ts';

export const it: InvitationStrings = {
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
  linkFallback: 'Se il pulsante non funziona, apri questo link sul dispositivo:',
  help: 'Domande? Contatta {{contact}}.',
  ignore: 'Se non aspettavi questo invito, puoi ignorare questa e-mail.',
};
