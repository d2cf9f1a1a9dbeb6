/**
 * Enrollment codes: 12 characters of Crockford base32 (no I, L, O, U), 60 random bits. People
 * type them, so input is matched case-insensitively and with Crockford's read-alikes (I and L
 * read as 1, O as 0) and separators ignored.
 */
import { takeRandomBytes } from './random-pool.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ENROLL_CODE_LENGTH = 12;

export function generateEnrollCode(): string {
  // 256 is a multiple of 32, so `byte & 31` is uniform: 12 × 5 = 60 bits of entropy.
  const bytes = takeRandomBytes(ENROLL_CODE_LENGTH);
  let code = '';
  for (const byte of bytes) code += ALPHABET[byte & 31];
  return code;
}

/** The stored form of what a person typed, or null when it cannot be a code. */
export function normalizeEnrollCode(input: string): string | null {
  const code = input
    .replace(/[\s-]/g, '')
    .toUpperCase()
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  return code.length === ENROLL_CODE_LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : null;
}
