/** Request and response schemas of the enterprise endpoints. */
import { Type } from '@sinclair/typebox';
import { BoundedString } from '../../http/schemas.ts';

export const Nullable = (maxLength: number, description: string, format?: string) =>
  Type.Optional(Type.Union([BoundedString(maxLength, format ? { format } : {}), Type.Null()], { description: `${description}, or null` }));

export const BrandingInput = Type.Object(
  {
    primaryColor: Type.Optional(
      Type.String({ pattern: '^#[0-9a-fA-F]{6}$', examples: ['#0b5fff'], description: 'Brand colour as #rrggbb', errorMessage: 'must be a colour written #rrggbb' }),
    ),
    logo: Nullable(2048, 'Logo URL (https)', 'uri'),
    contactEmail: Nullable(254, 'Help-desk email shown to users', 'email'),
    contactPhone: Nullable(64, 'Help-desk phone shown to users'),
  },
  { additionalProperties: false, description: 'Branding of invitations and enrollment pages' },
);

export const BrandingOutput = Type.Object(
  {
    primaryColor: Type.String({ description: 'Brand colour' }),
    logo: Type.Union([Type.String(), Type.Null()], { description: 'Logo URL, or null' }),
    contactEmail: Type.Union([Type.String(), Type.Null()], { description: 'Help-desk email, or null' }),
    contactPhone: Type.Union([Type.String(), Type.Null()], { description: 'Help-desk phone, or null' }),
  },
  { description: 'Branding' },
);
