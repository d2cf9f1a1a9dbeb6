/** Request and response schemas of /v1/session. */
import { Type } from '@sinclair/typebox';
import { Timestamp } from '../../http/schemas.ts';

export const SignInBody = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 1024, description: 'An API key: a service account\'s token, or the root key', examples: ['ek_6b0e9085c630ff1e619fc666_example'] }) },
  { additionalProperties: false, title: 'SignInBody' },
);

export const SignedInAs = Type.Object(
  {
    kind: Type.Union([Type.Literal('root'), Type.Literal('serviceAccount')], { description: 'root: the root key (every organization); serviceAccount: an organization\'s key' }),
    serviceAccountId: Type.Union([Type.String(), Type.Null()], { description: 'The key\'s service account, or null for the root key' }),
    organizationId: Type.Union([Type.String(), Type.Null()], { description: 'The key\'s organization, or null for the root key' }),
    organizationSlug: Type.Union([Type.String(), Type.Null()], { description: 'Its slug, or null for the root key' }),
    permissions: Type.Array(Type.String({ description: 'A permission' }), { description: 'What the key may do (every permission for the root key: ["*"])' }),
  },
  { title: 'SignedInAs', description: 'Who the request acts as' },
);

export const OpenedSessionSchema = Type.Object(
  {
    csrfToken: Type.String({ description: 'Send it as X-CSRF-Token with every POST, PUT and DELETE made with the session (shown once)' }),
    expiresAt: Timestamp('When the session ends however it is used'),
    idleMinutes: Type.Integer({ description: 'The session ends after this long unused' }),
    signedInAs: SignedInAs,
  },
  { title: 'OpenedSession', description: 'The session; its secret is in the HttpOnly cookie enrolld_session' },
);
