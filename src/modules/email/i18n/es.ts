import type { InvitationStrings } from './types.ts';

export const es: InvitationStrings = {
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
  linkFallback: 'Si el botón no funciona, abre este enlace en el dispositivo:',
  help: '¿Tienes dudas? Escribe a {{contact}}.',
  ignore: 'Si no esperabas esta invitación, puedes ignorar este correo.',
};
