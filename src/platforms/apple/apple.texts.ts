/** The words Apple enrollments use, in every language: the device, the invitation's steps and the enrollment page's. */
import type { Language } from '../../lib/languages.ts';
import type { PlatformTexts } from '../platform.ts';

export const APPLE_TEXTS: Readonly<Record<Language, PlatformTexts>> = {
  en: {
    device: 'iPhone, iPad or Mac',
    invitationSteps: [
      'Open this email on the iPhone, iPad or Mac you want to enroll and tap "Start enrollment".',
      'Download the enrollment profile when asked.',
      'Open Settings, tap "Profile Downloaded" and then "Install".',
      'Confirm with your device passcode and trust the remote management.',
    ],
    page: {
      action: 'Download the enrollment profile',
      steps: [
        'Open this page on the iPhone, iPad or Mac you want to enroll and tap "Download the enrollment profile"; allow the download.',
        'Open Settings and tap "Profile Downloaded" (on a Mac: System Settings → Privacy & Security → Profiles).',
        'Tap "Install" and enter your device passcode.',
        'Confirm that you trust the remote management.',
      ],
    },
  },
  es: {
    device: 'iPhone, iPad o Mac',
    invitationSteps: [
      'Abre este correo en el iPhone, iPad o Mac que quieras inscribir y pulsa «Iniciar la inscripción».',
      'Descarga el perfil de inscripción cuando se te pida.',
      'Abre Ajustes, pulsa «Perfil descargado» y después «Instalar».',
      'Confirma con el código del dispositivo y acepta la gestión remota.',
    ],
    page: {
      action: 'Descargar el perfil de inscripción',
      steps: [
        'Abre esta página en el iPhone, iPad o Mac que quieres inscribir y toca «Descargar el perfil de inscripción»; permite la descarga.',
        'Abre Ajustes y toca «Perfil descargado» (en un Mac: Ajustes del Sistema → Privacidad y seguridad → Perfiles).',
        'Toca «Instalar» e introduce el código del dispositivo.',
        'Confirma que confías en la gestión remota.',
      ],
    },
  },
  fr: {
    device: 'iPhone, iPad ou Mac',
    invitationSteps: [
      'Ouvrez cet e-mail sur l’iPhone, l’iPad ou le Mac à inscrire et touchez « Commencer l’inscription ».',
      'Téléchargez le profil d’inscription lorsque cela vous est demandé.',
      'Ouvrez Réglages, touchez « Profil téléchargé » puis « Installer ».',
      'Confirmez avec le code de l’appareil et acceptez la gestion à distance.',
    ],
    page: {
      action: 'Télécharger le profil d’inscription',
      steps: [
        'Ouvrez cette page sur l’iPhone, l’iPad ou le Mac à inscrire et touchez « Télécharger le profil d’inscription » ; autorisez le téléchargement.',
        'Ouvrez Réglages et touchez « Profil téléchargé » (sur un Mac : Réglages Système → Confidentialité et sécurité → Profils).',
        'Touchez « Installer » et saisissez le code de l’appareil.',
        'Confirmez que vous faites confiance à la gestion à distance.',
      ],
    },
  },
  de: {
    device: 'iPhone, iPad oder Mac',
    invitationSteps: [
      'Öffnen Sie diese E-Mail auf dem iPhone, iPad oder Mac, das Sie registrieren möchten, und tippen Sie auf „Registrierung starten“.',
      'Laden Sie das Registrierungsprofil herunter, wenn Sie dazu aufgefordert werden.',
      'Öffnen Sie die Einstellungen, tippen Sie auf „Profil geladen“ und dann auf „Installieren“.',
      'Bestätigen Sie mit dem Gerätecode und vertrauen Sie der Fernverwaltung.',
    ],
    page: {
      action: 'Registrierungsprofil laden',
      steps: [
        'Öffnen Sie diese Seite auf dem iPhone, iPad oder Mac, das Sie registrieren möchten, tippen Sie auf „Registrierungsprofil laden“ und erlauben Sie den Download.',
        'Öffnen Sie die Einstellungen und tippen Sie auf „Profil geladen“ (auf dem Mac: Systemeinstellungen → Datenschutz & Sicherheit → Profile).',
        'Tippen Sie auf „Installieren“ und geben Sie den Gerätecode ein.',
        'Bestätigen Sie, dass Sie der Fernverwaltung vertrauen.',
      ],
    },
  },
  it: {
    device: 'iPhone, iPad o Mac',
    invitationSteps: [
      'Apri questa e-mail sull’iPhone, iPad o Mac da registrare e tocca «Avvia la registrazione».',
      'Scarica il profilo di registrazione quando richiesto.',
      'Apri Impostazioni, tocca «Profilo scaricato» e poi «Installa».',
      'Conferma con il codice del dispositivo e accetta la gestione remota.',
    ],
    page: {
      action: 'Scarica il profilo di registrazione',
      steps: [
        'Apri questa pagina sull’iPhone, iPad o Mac da registrare e tocca «Scarica il profilo di registrazione»; consenti il download.',
        'Apri Impostazioni e tocca «Profilo scaricato» (su un Mac: Impostazioni di Sistema → Privacy e sicurezza → Profili).',
        'Tocca «Installa» e inserisci il codice del dispositivo.',
        'Conferma di considerare attendibile la gestione remota.',
      ],
    },
  },
  pt: {
    device: 'iPhone, iPad ou Mac',
    invitationSteps: [
      'Abra este e-mail no iPhone, iPad ou Mac que pretende registar e toque em «Iniciar o registo».',
      'Descarregue o perfil de registo quando lhe for pedido.',
      'Abra Definições, toque em «Perfil descarregado» e depois em «Instalar».',
      'Confirme com o código do dispositivo e aceite a gestão remota.',
    ],
    page: {
      action: 'Transferir o perfil de inscrição',
      steps: [
        'Abra esta página no iPhone, iPad ou Mac que quer inscrever e toque em «Transferir o perfil de inscrição»; permita a transferência.',
        'Abra as Definições e toque em «Perfil descarregado» (num Mac: Definições do Sistema → Privacidade e segurança → Perfis).',
        'Toque em «Instalar» e introduza o código do dispositivo.',
        'Confirme que confia na gestão remota.',
      ],
    },
  },
};
