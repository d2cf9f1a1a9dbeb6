import type { InvitationStrings } from './types.ts';

export const pt: InvitationStrings = {
  device: { apple: 'iPhone, iPad ou Mac', windows: 'PC com Windows', android: 'dispositivo Android' },
  subject: 'Registe o seu {{device}} na {{org}}',
  greeting: 'Olá {{name}},',
  greetingNoName: 'Olá,',
  intro: 'A {{org}} convida-o a registar o seu {{device}} na gestão de dispositivos, para que as aplicações de trabalho, o Wi-Fi e o e-mail fiquem configurados automaticamente.',
  button: 'Iniciar o registo',
  codeLabel: 'Código de registo',
  displayLabel: 'Dispositivo: {{displayName}}',
  expires: 'Este convite expira a {{date}}.',
  noteFrom: 'Uma mensagem da sua equipa de TI:',
  stepsTitle: 'Como fazer o registo',
  steps: {
    apple: [
      'Abra este e-mail no iPhone, iPad ou Mac que pretende registar e toque em «Iniciar o registo».',
      'Descarregue o perfil de registo quando lhe for pedido.',
      'Abra Definições, toque em «Perfil descarregado» e depois em «Instalar».',
      'Confirme com o código do dispositivo e aceite a gestão remota.',
    ],
    windows: [
      'Abra este e-mail no PC com Windows que pretende registar e selecione «Iniciar o registo».',
      'O Windows abre «Aceder ao trabalho ou escola»: confirme a conta e o servidor apresentados.',
      'Se lhe for pedido, introduza o código de registo abaixo.',
      'Aguarde até o Windows indicar que o dispositivo está ligado.',
    ],
    android: [
      'Num dispositivo novo ou reposto, toque seis vezes no ecrã de boas-vindas para abrir o leitor de QR.',
      'Leia o código QR deste e-mail e ligue-se ao Wi-Fi.',
      'Num dispositivo pessoal com perfil de trabalho, abra antes a ligação de registo no dispositivo.',
      'Siga as instruções até a configuração terminar.',
    ],
  },
  qrHint: 'Leia este código a partir do ecrã de boas-vindas do dispositivo:',
  linkFallback: 'Se o botão não funcionar, abra esta ligação no dispositivo:',
  help: 'Dúvidas? Contacte {{contact}}.',
  ignore: 'Se não esperava este convite, pode ignorar este e-mail.',
};
