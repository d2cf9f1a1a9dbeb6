import type { PageStrings } from './types.ts';

export const es: PageStrings = {
  title: 'Inscribe tu {{device}} en {{org}}',
  intro: '{{org}} te invita a inscribir este {{device}} en su gestión de dispositivos.',
  stepsTitle: 'Cómo inscribirlo',
  expired: {
    title: 'Este enlace de inscripción ha caducado',
    body: 'Pide una nueva invitación a tu equipo de TI.',
  },
  used: {
    title: 'Este enlace de inscripción ya se ha usado',
    body: 'Ya se inscribió un dispositivo con él. Si no fuiste tú o necesitas inscribir otro dispositivo, pide una nueva invitación a tu equipo de TI.',
  },
  notFound: {
    title: 'Enlace de inscripción no encontrado',
    body: 'Comprueba que abriste el enlace completo de tu invitación o pide uno nuevo a tu equipo de TI.',
  },
  notConfigured: '{{org}} aún no ha terminado de configurar la gestión de dispositivos, así que este registro no puede completarse. Ponte en contacto con tu equipo de TI antes de empezar.',
  preparing: 'Tu registro aún se está preparando. Vuelve a intentarlo en unos minutos.',
  provisioningFailed: '{{org}} no pudo preparar este registro. Ponte en contacto con tu equipo de TI.',
  tooMany: {
    title: 'Demasiados intentos',
    body: 'Espera un minuto y vuelve a intentarlo.',
  },
};
