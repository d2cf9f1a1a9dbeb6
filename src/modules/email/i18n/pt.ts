import type { InvitationStrings } from './types.ts';

export const pt: InvitationStrings = {
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
  linkFallback: 'Se o botão não funcionar, abra esta ligação no dispositivo:',
  help: 'Dúvidas? Contacte {{contact}}.',
  ignore: 'Se não esperava este convite, pode ignorar este e-mail.',
};
