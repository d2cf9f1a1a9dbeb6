import type { PageStrings } from './types.ts';

export const pt: PageStrings = {
  title: 'Inscreva o seu {{device}} na {{org}}',
  intro: 'A {{org}} convida-o a inscrever este dispositivo ({{device}}) na sua gestão de dispositivos.',
  stepsTitle: 'Como inscrever',
  expired: {
    title: 'Esta ligação de inscrição expirou',
    body: 'Peça um novo convite à sua equipa de TI.',
  },
  used: {
    title: 'Esta ligação de inscrição já foi utilizada',
    body: 'Já foi inscrito um dispositivo com ela. Se não foi o senhor, ou se precisa de inscrever outro dispositivo, peça um novo convite à sua equipa de TI.',
  },
  notFound: {
    title: 'Ligação de inscrição não encontrada',
    body: 'Verifique se abriu a ligação completa do seu convite ou peça uma nova à sua equipa de TI.',
  },
  notConfigured: '{{org}} ainda não terminou de configurar a gestão de dispositivos, por isso este registo não pode ser concluído. Contacte a sua equipa de TI antes de começar.',
  preparing: 'O seu registo ainda está a ser preparado. Tente novamente dentro de alguns minutos.',
  provisioningFailed: '{{org}} não conseguiu preparar este registo. Contacte a sua equipa de TI.',
  tooMany: {
    title: 'Demasiadas tentativas',
    body: 'Aguarde um minuto e tente novamente.',
  },
};
