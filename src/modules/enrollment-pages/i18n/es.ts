import type { PageStrings } from './types.ts';

export const es: PageStrings = {
  title: 'Inscribe tu {{device}} en {{org}}',
  intro: '{{org}} te invita a inscribir este {{device}} en su gestión de dispositivos.',
  stepsTitle: 'Cómo inscribirlo',
  apple: {
    action: 'Descargar el perfil de inscripción',
    steps: [
      'Abre esta página en el iPhone, iPad o Mac que quieres inscribir y toca «Descargar el perfil de inscripción»; permite la descarga.',
      'Abre Ajustes y toca «Perfil descargado» (en un Mac: Ajustes del Sistema → Privacidad y seguridad → Perfiles).',
      'Toca «Instalar» e introduce el código del dispositivo.',
      'Confirma que confías en la gestión remota.',
    ],
  },
  android: {
    qrTitle: 'Dispositivo de empresa (nuevo o restablecido)',
    qrHint: 'En la pantalla de bienvenida, toca seis veces el mismo punto para abrir el lector de QR y escanea este código.',
    workProfileTitle: 'Dispositivo personal (perfil de trabajo)',
    workProfileHint: 'Abre esta página en el dispositivo y configura un perfil de trabajo: tus apps y datos personales siguen siendo privados.',
    workProfileAction: 'Configurar un perfil de trabajo',
    steps: ['Escanea el código QR o abre el enlace del perfil de trabajo, como se indica arriba.', 'Conéctate a una red Wi-Fi cuando se te pida.', 'Sigue las indicaciones hasta que termine la configuración.'],
  },
  windows: {
    action: 'Inscribir este PC',
    steps: ['Abre esta página en el PC con Windows que quieres inscribir y selecciona «Inscribir este PC».', 'Windows abre «Obtener acceso a trabajo o escuela» con tus datos: confírmalos.', 'Espera a que Windows indique que el dispositivo está conectado.'],
    manualTitle: 'Si el botón no abre la configuración de Windows',
    manualSteps: [
      'Abre Configuración → Cuentas → Obtener acceso a trabajo o escuela.',
      'Selecciona «Inscribirse solo en la administración de dispositivos».',
      'Introduce {{email}}; cuando se pida la dirección del servidor, introduce {{server}}.',
      'Si se pide un código, introduce {{code}}.',
    ],
    serverLabel: 'Dirección del servidor',
    accountLabel: 'Cuenta',
  },
  expired: { title: 'Este enlace de inscripción ha caducado', body: 'Pide una nueva invitación a tu equipo de TI.' },
  used: { title: 'Este enlace de inscripción ya se ha usado', body: 'Ya se inscribió un dispositivo con él. Si no fuiste tú o necesitas inscribir otro dispositivo, pide una nueva invitación a tu equipo de TI.' },
  notFound: { title: 'Enlace de inscripción no encontrado', body: 'Comprueba que abriste el enlace completo de tu invitación o pide uno nuevo a tu equipo de TI.' },
  tooMany: { title: 'Demasiados intentos', body: 'Espera un minuto y vuelve a intentarlo.' },
};
