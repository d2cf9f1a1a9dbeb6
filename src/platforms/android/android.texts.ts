/** The words Android enrollments use, in every language: the device, the invitation's steps and the enrollment page's. */
import type { Language } from '../../lib/languages.ts';
import type { PlatformTexts } from '../platform.ts';

export const ANDROID_TEXTS: Readonly<Record<Language, PlatformTexts>> = {
  en: {
    device: 'Android device',
    invitationSteps: [
      'On a new or reset device, tap the welcome screen six times to open the QR scanner.',
      'Scan the QR code in this email and connect to Wi-Fi.',
      'For a personal device with a work profile, open the enrollment link on the device instead.',
      'Follow the prompts until the setup finishes.',
    ],
    invitationQrHint: 'Scan this code from the device’s welcome screen:',
    page: {
      steps: [
        'Scan the QR code or open the work-profile link, as above.',
        'Connect to Wi-Fi when asked.',
        'Follow the prompts until the setup finishes.',
      ],
      qr: {
        title: 'Company device (new or reset)',
        hint: 'On the welcome screen, tap the same spot six times to open the QR scanner, then scan this code.',
      },
      workProfile: {
        title: 'Personal device (work profile)',
        hint: 'Open this page on the device and set up a work profile: your personal apps and data stay private.',
        action: 'Set up a work profile',
      },
    },
  },
  es: {
    device: 'dispositivo Android',
    invitationSteps: [
      'En un dispositivo nuevo o restablecido, toca seis veces la pantalla de bienvenida para abrir el lector QR.',
      'Escanea el código QR de este correo y conéctate a la wifi.',
      'En un dispositivo personal con perfil de trabajo, abre en su lugar el enlace de inscripción en el dispositivo.',
      'Sigue las indicaciones hasta que termine la configuración.',
    ],
    invitationQrHint: 'Escanea este código desde la pantalla de bienvenida del dispositivo:',
    page: {
      steps: [
        'Escanea el código QR o abre el enlace del perfil de trabajo, como se indica arriba.',
        'Conéctate a una red Wi-Fi cuando se te pida.',
        'Sigue las indicaciones hasta que termine la configuración.',
      ],
      qr: {
        title: 'Dispositivo de empresa (nuevo o restablecido)',
        hint: 'En la pantalla de bienvenida, toca seis veces el mismo punto para abrir el lector de QR y escanea este código.',
      },
      workProfile: {
        title: 'Dispositivo personal (perfil de trabajo)',
        hint: 'Abre esta página en el dispositivo y configura un perfil de trabajo: tus apps y datos personales siguen siendo privados.',
        action: 'Configurar un perfil de trabajo',
      },
    },
  },
  fr: {
    device: 'appareil Android',
    invitationSteps: [
      'Sur un appareil neuf ou réinitialisé, touchez six fois l’écran d’accueil pour ouvrir le lecteur de QR code.',
      'Scannez le QR code de cet e-mail et connectez-vous au Wi-Fi.',
      'Pour un appareil personnel avec profil professionnel, ouvrez plutôt le lien d’inscription sur l’appareil.',
      'Suivez les instructions jusqu’à la fin de la configuration.',
    ],
    invitationQrHint: 'Scannez ce code depuis l’écran d’accueil de l’appareil :',
    page: {
      steps: [
        'Scannez le QR code ou ouvrez le lien du profil professionnel, comme ci-dessus.',
        'Connectez-vous au Wi-Fi lorsque cela vous est demandé.',
        'Suivez les instructions jusqu’à la fin de la configuration.',
      ],
      qr: {
        title: 'Appareil d’entreprise (neuf ou réinitialisé)',
        hint: 'Sur l’écran d’accueil, touchez six fois le même endroit pour ouvrir le lecteur de QR code, puis scannez ce code.',
      },
      workProfile: {
        title: 'Appareil personnel (profil professionnel)',
        hint: 'Ouvrez cette page sur l’appareil et configurez un profil professionnel : vos applications et données personnelles restent privées.',
        action: 'Configurer un profil professionnel',
      },
    },
  },
  de: {
    device: 'Android-Gerät',
    invitationSteps: [
      'Tippen Sie auf einem neuen oder zurückgesetzten Gerät sechsmal auf den Willkommensbildschirm, um den QR-Scanner zu öffnen.',
      'Scannen Sie den QR-Code in dieser E-Mail und verbinden Sie sich mit dem WLAN.',
      'Öffnen Sie auf einem privaten Gerät mit Arbeitsprofil stattdessen den Registrierungslink auf dem Gerät.',
      'Folgen Sie den Anweisungen, bis die Einrichtung abgeschlossen ist.',
    ],
    invitationQrHint: 'Scannen Sie diesen Code auf dem Willkommensbildschirm des Geräts:',
    page: {
      steps: [
        'Scannen Sie den QR-Code oder öffnen Sie den Link für das Arbeitsprofil, wie oben beschrieben.',
        'Verbinden Sie sich mit dem WLAN, wenn Sie dazu aufgefordert werden.',
        'Folgen Sie den Anweisungen, bis die Einrichtung abgeschlossen ist.',
      ],
      qr: {
        title: 'Firmengerät (neu oder zurückgesetzt)',
        hint: 'Tippen Sie auf dem Begrüßungsbildschirm sechsmal auf dieselbe Stelle, um den QR-Scanner zu öffnen, und scannen Sie diesen Code.',
      },
      workProfile: {
        title: 'Privates Gerät (Arbeitsprofil)',
        hint: 'Öffnen Sie diese Seite auf dem Gerät und richten Sie ein Arbeitsprofil ein: Ihre privaten Apps und Daten bleiben privat.',
        action: 'Arbeitsprofil einrichten',
      },
    },
  },
  it: {
    device: 'dispositivo Android',
    invitationSteps: [
      'Su un dispositivo nuovo o ripristinato, tocca sei volte la schermata di benvenuto per aprire il lettore QR.',
      'Scansiona il codice QR di questa e-mail e connettiti al Wi-Fi.',
      'Per un dispositivo personale con profilo di lavoro, apri invece il link di registrazione sul dispositivo.',
      'Segui le istruzioni fino al termine della configurazione.',
    ],
    invitationQrHint: 'Scansiona questo codice dalla schermata di benvenuto del dispositivo:',
    page: {
      steps: [
        'Scansiona il codice QR o apri il link del profilo di lavoro, come sopra.',
        'Connettiti al Wi-Fi quando richiesto.',
        'Segui le istruzioni fino al termine della configurazione.',
      ],
      qr: {
        title: 'Dispositivo aziendale (nuovo o ripristinato)',
        hint: 'Nella schermata di benvenuto tocca sei volte lo stesso punto per aprire il lettore QR, poi scansiona questo codice.',
      },
      workProfile: {
        title: 'Dispositivo personale (profilo di lavoro)',
        hint: 'Apri questa pagina sul dispositivo e configura un profilo di lavoro: le tue app e i tuoi dati personali restano privati.',
        action: 'Configura un profilo di lavoro',
      },
    },
  },
  pt: {
    device: 'dispositivo Android',
    invitationSteps: [
      'Num dispositivo novo ou reposto, toque seis vezes no ecrã de boas-vindas para abrir o leitor de QR.',
      'Leia o código QR deste e-mail e ligue-se ao Wi-Fi.',
      'Num dispositivo pessoal com perfil de trabalho, abra antes a ligação de registo no dispositivo.',
      'Siga as instruções até a configuração terminar.',
    ],
    invitationQrHint: 'Leia este código a partir do ecrã de boas-vindas do dispositivo:',
    page: {
      steps: [
        'Leia o código QR ou abra a ligação do perfil de trabalho, como acima.',
        'Ligue-se a uma rede Wi-Fi quando lhe for pedido.',
        'Siga as instruções até a configuração terminar.',
      ],
      qr: {
        title: 'Dispositivo da empresa (novo ou reposto)',
        hint: 'No ecrã de boas-vindas, toque seis vezes no mesmo ponto para abrir o leitor de QR e leia este código.',
      },
      workProfile: {
        title: 'Dispositivo pessoal (perfil de trabalho)',
        hint: 'Abra esta página no dispositivo e configure um perfil de trabalho: as suas apps e dados pessoais continuam privados.',
        action: 'Configurar um perfil de trabalho',
      },
    },
  },
};
