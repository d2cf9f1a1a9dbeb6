/** The words Windows enrollments use, in every language: the device, the invitation's steps and the enrollment page's. */
import type { Language } from '../../lib/languages.ts';
import type { PlatformTexts } from '../platform.ts';

export const WINDOWS_TEXTS: Readonly<Record<Language, PlatformTexts>> = {
  en: {
    device: 'Windows PC',
    invitationSteps: [
      'Open this email on the Windows PC you want to enroll and select "Start enrollment".',
      'Windows opens "Access work or school": confirm the account and server shown.',
      'If asked, enter the enrollment code below.',
      'Wait until Windows reports that the device is connected.',
    ],
    page: {
      action: 'Enroll this PC',
      steps: [
        'Open this page on the Windows PC you want to enroll and select "Enroll this PC".',
        'Windows opens "Access work or school" with your details: confirm them.',
        'Wait until Windows reports that the device is connected.',
      ],
      manual: {
        title: 'If the button does not open Windows settings',
        steps: [
          'Open Settings → Accounts → Access work or school.',
          'Select "Enroll only in device management".',
          'Enter {{email}}; when asked for the server address, enter {{server}}.',
          'If asked for a code, enter {{code}}.',
        ],
        serverLabel: 'Server address',
        accountLabel: 'Account',
      },
    },
  },
  es: {
    device: 'PC con Windows',
    invitationSteps: [
      'Abre este correo en el PC con Windows que quieras inscribir y selecciona «Iniciar la inscripción».',
      'Windows abre «Obtener acceso a trabajo o escuela»: confirma la cuenta y el servidor que aparecen.',
      'Si se te pide, introduce el código de inscripción de abajo.',
      'Espera a que Windows indique que el dispositivo está conectado.',
    ],
    page: {
      action: 'Inscribir este PC',
      steps: [
        'Abre esta página en el PC con Windows que quieres inscribir y selecciona «Inscribir este PC».',
        'Windows abre «Obtener acceso a trabajo o escuela» con tus datos: confírmalos.',
        'Espera a que Windows indique que el dispositivo está conectado.',
      ],
      manual: {
        title: 'Si el botón no abre la configuración de Windows',
        steps: [
          'Abre Configuración → Cuentas → Obtener acceso a trabajo o escuela.',
          'Selecciona «Inscribirse solo en la administración de dispositivos».',
          'Introduce {{email}}; cuando se pida la dirección del servidor, introduce {{server}}.',
          'Si se pide un código, introduce {{code}}.',
        ],
        serverLabel: 'Dirección del servidor',
        accountLabel: 'Cuenta',
      },
    },
  },
  fr: {
    device: 'PC Windows',
    invitationSteps: [
      'Ouvrez cet e-mail sur le PC Windows à inscrire et sélectionnez « Commencer l’inscription ».',
      'Windows ouvre « Accès Professionnel ou Scolaire » : confirmez le compte et le serveur affichés.',
      'Si on vous le demande, saisissez le code d’inscription ci-dessous.',
      'Attendez que Windows indique que l’appareil est connecté.',
    ],
    page: {
      action: 'Inscrire ce PC',
      steps: [
        'Ouvrez cette page sur le PC Windows à inscrire et sélectionnez « Inscrire ce PC ».',
        'Windows ouvre « Accès Professionnel ou Scolaire » avec vos informations : confirmez-les.',
        'Attendez que Windows indique que l’appareil est connecté.',
      ],
      manual: {
        title: 'Si le bouton n’ouvre pas les paramètres de Windows',
        steps: [
          'Ouvrez Paramètres → Comptes → Accès Professionnel ou Scolaire.',
          'Sélectionnez « S’inscrire uniquement à la gestion des appareils ».',
          'Saisissez {{email}} ; lorsque l’adresse du serveur est demandée, saisissez {{server}}.',
          'Si un code est demandé, saisissez {{code}}.',
        ],
        serverLabel: 'Adresse du serveur',
        accountLabel: 'Compte',
      },
    },
  },
  de: {
    device: 'Windows-PC',
    invitationSteps: [
      'Öffnen Sie diese E-Mail auf dem Windows-PC, den Sie registrieren möchten, und wählen Sie „Registrierung starten“.',
      'Windows öffnet „Auf Arbeits- oder Schulkonto zugreifen“: Bestätigen Sie das angezeigte Konto und den Server.',
      'Geben Sie bei Aufforderung den unten stehenden Registrierungscode ein.',
      'Warten Sie, bis Windows meldet, dass das Gerät verbunden ist.',
    ],
    page: {
      action: 'Diesen PC registrieren',
      steps: [
        'Öffnen Sie diese Seite auf dem Windows-PC, den Sie registrieren möchten, und wählen Sie „Diesen PC registrieren“.',
        'Windows öffnet „Auf Arbeits- oder Schulkonto zugreifen“ mit Ihren Angaben: Bestätigen Sie sie.',
        'Warten Sie, bis Windows meldet, dass das Gerät verbunden ist.',
      ],
      manual: {
        title: 'Falls die Schaltfläche die Windows-Einstellungen nicht öffnet',
        steps: [
          'Öffnen Sie Einstellungen → Konten → Auf Arbeits- oder Schulkonto zugreifen.',
          'Wählen Sie „Nur für die Geräteverwaltung registrieren“.',
          'Geben Sie {{email}} ein; wenn nach der Serveradresse gefragt wird, geben Sie {{server}} ein.',
          'Wenn ein Code verlangt wird, geben Sie {{code}} ein.',
        ],
        serverLabel: 'Serveradresse',
        accountLabel: 'Konto',
      },
    },
  },
  it: {
    device: 'PC Windows',
    invitationSteps: [
      'Apri questa e-mail sul PC Windows da registrare e seleziona «Avvia la registrazione».',
      'Windows apre «Accedi all’azienda o all’istituto di istruzione»: conferma l’account e il server mostrati.',
      'Se richiesto, inserisci il codice di registrazione qui sotto.',
      'Attendi che Windows indichi che il dispositivo è connesso.',
    ],
    page: {
      action: 'Registra questo PC',
      steps: [
        'Apri questa pagina sul PC Windows da registrare e seleziona «Registra questo PC».',
        'Windows apre «Accedi all’azienda o all’istituto di istruzione» con i tuoi dati: confermali.',
        'Attendi che Windows indichi che il dispositivo è connesso.',
      ],
      manual: {
        title: 'Se il pulsante non apre le impostazioni di Windows',
        steps: [
          'Apri Impostazioni → Account → Accedi all’azienda o all’istituto di istruzione.',
          'Seleziona «Registra solo nella gestione dei dispositivi».',
          'Inserisci {{email}}; quando viene chiesto l’indirizzo del server, inserisci {{server}}.',
          'Se viene chiesto un codice, inserisci {{code}}.',
        ],
        serverLabel: 'Indirizzo del server',
        accountLabel: 'Account',
      },
    },
  },
  pt: {
    device: 'PC com Windows',
    invitationSteps: [
      'Abra este e-mail no PC com Windows que pretende registar e selecione «Iniciar o registo».',
      'O Windows abre «Aceder ao trabalho ou escola»: confirme a conta e o servidor apresentados.',
      'Se lhe for pedido, introduza o código de registo abaixo.',
      'Aguarde até o Windows indicar que o dispositivo está ligado.',
    ],
    page: {
      action: 'Inscrever este PC',
      steps: [
        'Abra esta página no PC Windows que quer inscrever e selecione «Inscrever este PC».',
        'O Windows abre «Aceder ao trabalho ou escola» com os seus dados: confirme-os.',
        'Aguarde até o Windows indicar que o dispositivo está ligado.',
      ],
      manual: {
        title: 'Se o botão não abrir as definições do Windows',
        steps: [
          'Abra Definições → Contas → Aceder ao trabalho ou escola.',
          'Selecione «Inscrever apenas na gestão de dispositivos».',
          'Introduza {{email}}; quando for pedido o endereço do servidor, introduza {{server}}.',
          'Se for pedido um código, introduza {{code}}.',
        ],
        serverLabel: 'Endereço do servidor',
        accountLabel: 'Conta',
      },
    },
  },
};
