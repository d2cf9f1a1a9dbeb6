import type { InvitationStrings } from './types.ts';

export const es: InvitationStrings = {
  device: { apple: 'iPhone, iPad o Mac', windows: 'PC con Windows', android: 'dispositivo Android' },
  subject: 'Inscribe tu {{device}} en {{org}}',
  greeting: 'Hola, {{name}}:',
  greetingNoName: 'Hola:',
  intro: '{{org}} te invita a inscribir tu {{device}} en su gestión de dispositivos para configurar automáticamente tus aplicaciones de trabajo, la wifi y el correo.',
  button: 'Iniciar la inscripción',
  codeLabel: 'Código de inscripción',
  displayLabel: 'Dispositivo: {{displayName}}',
  expires: 'Esta invitación caduca el {{date}}.',
  noteFrom: 'Un mensaje de tu equipo de IT:',
  stepsTitle: 'Cómo inscribirte',
  steps: {
    apple: [
      'Abre este correo en el iPhone, iPad o Mac que quieras inscribir y pulsa «Iniciar la inscripción».',
      'Descarga el perfil de inscripción cuando se te pida.',
      'Abre Ajustes, pulsa «Perfil descargado» y después «Instalar».',
      'Confirma con el código del dispositivo y acepta la gestión remota.',
    ],
    windows: [
      'Abre este correo en el PC con Windows que quieras inscribir y selecciona «Iniciar la inscripción».',
      'Windows abre «Obtener acceso a trabajo o escuela»: confirma la cuenta y el servidor que aparecen.',
      'Si se te pide, introduce el código de inscripción de abajo.',
      'Espera a que Windows indique que el dispositivo está conectado.',
    ],
    android: [
      'En un dispositivo nuevo o restablecido, toca seis veces la pantalla de bienvenida para abrir el lector QR.',
      'Escanea el código QR de este correo y conéctate a la wifi.',
      'En un dispositivo personal con perfil de trabajo, abre en su lugar el enlace de inscripción en el dispositivo.',
      'Sigue las indicaciones hasta que termine la configuración.',
    ],
  },
  qrHint: 'Escanea este código desde la pantalla de bienvenida del dispositivo:',
  linkFallback: 'Si el botón no funciona, abre este enlace en el dispositivo:',
  help: '¿Tienes dudas? Escribe a {{contact}}.',
  ignore: 'Si no esperabas esta invitación, puedes ignorar este correo.',
};
