/** Parameter and response schemas of the public enrollment links (for /openapi.json). */
import { Type } from '@sinclair/typebox';

export const Code = Type.String({ maxLength: 64, description: "The token's enrollCode, as in the invitation link" });

export const PageParams = Type.Object(
  { platform: Type.String({ maxLength: 16, description: 'apple, windows or android' }), code: Code },
  { additionalProperties: false },
);

export const CodeParams = Type.Object({ code: Code }, { additionalProperties: false });

export const Html = (description: string) => ({ description, content: { 'text/html': { schema: Type.String({ description: 'An HTML page' }) } } });

/** A file answered as bytes: binary in the description (SVG, being text, is a string). */
export const Binary = (description: string, contentType: string) => ({
  description,
  content: { [contentType]: { schema: Type.String({ description, ...(contentType.startsWith('image/svg') ? {} : { format: 'binary' }) }) } },
});

export const NOTICES = { 404: Html('Unknown or revoked link: a notice page'), 410: Html('Expired or used link: a notice page') };
