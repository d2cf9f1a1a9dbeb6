import type { PageStrings } from './types.ts';

export const pt: PageStrings = {
  title: 'Inscreva o seu {{device}} na {{org}}',
  intro: 'A {{org}} convida-o a inscrever este dispositivo ({{device}}) na sua gestão de dispositivos.',
  stepsTitle: 'Como inscrever',
  apple: {
    action: 'Transferir o perfil de inscrição',
    steps: [
      'Abra esta página no iPhone, iPad ou Mac que quer inscrever e toque em «Transferir o perfil de inscrição»; permita a transferência.',
      'Abra as Definições e toque em «Perfil descarregado» (num Mac: Definições do Sistema → Privacidade e segurança → Perfis).',
      'Toque em «Instalar» e introduza o código do dispositivo.',
      'Confirme que confia na gestão remota.',
    ],
  },
  android: {
    qrTitle: 'Dispositivo da empresa (novo ou reposto)',
    qrHint: 'No ecrã de boas-vindas, toque seis vezes no mesmo ponto para abrir o leitor de QR e leia este código.',
    workProfileTitle: 'Dispositivo pessoal (perfil de trabalho)',
    workProfileHint: 'Abra esta página no dispositivo e configure um perfil de trabalho: as suas apps e dados pessoais continuam privados.',
    workProfileAction: 'Configurar um perfil de trabalho',
    steps: ['Leia o código QR ou abra a ligação do perfil de trabalho, como acima.', 'Ligue-se a uma rede Wi-Fi quando lhe for pedido.', 'Siga as instruções até a configuração terminar.'],
  },
  windows: {
    action: 'Inscrever este PC',
    steps: ['Abra esta página no PC Windows que quer inscrever e selecione «Inscrever este PC».', 'O Windows abre «Aceder ao trabalho ou escola» com os seus dados: confirme-os.', 'Aguarde até o Windows indicar que o dispositivo está ligado.'],
    manualTitle: 'Se o botão não abrir as definições do Windows',
    manualSteps: [
      'Abra Definições → Contas → Aceder ao trabalho ou escola.',
      'Selecione «Inscrever apenas na gestão de dispositivos».',
      'Introduza {{email}}; quando for pedido o endereço do servidor, introduza {{server}}.',
      'Se for pedido um código, introduza {{code}}.',
    ],
    serverLabel: 'Endereço do servidor',
    accountLabel: 'Conta',
  },
  expired: { title: 'Esta ligação de inscrição expirou', body: 'Peça um novo convite à sua equipa de TI.' },
  used: { title: 'Esta ligação de inscrição já foi utilizada', body: 'Já foi inscrito um dispositivo com ela. Se não foi o senhor, ou se precisa de inscrever outro dispositivo, peça um novo convite à sua equipa de TI.' },
  notFound: { title: 'Ligação de inscrição não encontrada', body: 'Verifique se abriu a ligação completa do seu convite ou peça uma nova à sua equipa de TI.' },
  tooMany: { title: 'Demasiadas tentativas', body: 'Aguarde um minuto e tente novamente.' },
};
