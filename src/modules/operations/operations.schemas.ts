/** Response schemas of the operations endpoints (liveness, readiness). */
import { Type } from '@sinclair/typebox';
import { success } from '../../http/schemas.ts';

export const Health = success(
  Type.Object({ status: Type.String({ description: '"ok" when the check passed' }) }, { description: 'Check result' }),
  'The check passed',
);
