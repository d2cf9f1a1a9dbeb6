/**
 * Entity ids: 24 lowercase hex characters, laid out like a MongoDB ObjectId (4-byte seconds
 * timestamp, 5 random bytes fixed per process, 3-byte counter) so that the ids Applivery clients
 * expect keep their shape and sort roughly by creation time.
 */
import { randomBytes } from 'node:crypto';

const processUnique = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

export const ID_PATTERN = '^[a-fA-F0-9]{24}$';
const idRegex = new RegExp(ID_PATTERN);

export function newId(now: number = Date.now()): string {
  counter = (counter + 1) % 0x1000000;
  const seconds = Math.floor(now / 1000).toString(16).padStart(8, '0');
  return seconds + processUnique + counter.toString(16).padStart(6, '0');
}

export function isId(value: string): boolean {
  return idRegex.test(value);
}
