/**
 * Encryption at rest for the few secrets enrolld must be able to read back (the private keys that
 * sign Apple enrollment profiles). AES-256-GCM with a key derived from ENROLLD_SECRET_KEY by
 * HKDF; the record's owner (an organization id) is bound in as associated data, so a sealed value
 * copied onto another organization's row does not open.
 *
 * Without ENROLLD_SECRET_KEY (SQLite only; config.ts refuses PostgreSQL without it) the secret is
 * generated once into `<data dir>/secret.key` (mode 0600) and read from there afterwards: back it
 * up with the database, or the stored keys cannot be opened.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { makePrivateFolder, PRIVATE_FILE_MODE } from '../lib/private-files.ts';

const VERSION = 'v1';
const IV_BYTES = 12;

export interface SecretBox {
  seal(plaintext: string, owner: string): string;
  /** Throws when the value was sealed with another secret, for another owner, or was altered. */
  open(sealed: string, owner: string): string;
}

export const SECRET_KEY_FILE = 'secret.key';

/** ENROLLD_SECRET_KEY, or the data directory's generated secret (created on first use). */
function resolveSecretKey(config: Pick<Config, 'secretKey' | 'dataDir'>): string {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.dataDir, SECRET_KEY_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  makePrivateFolder(config.dataDir);
  try {
    // 'wx': if two processes race, one writes and both read the winner's secret.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

function createSecretBox(secret: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', secret, 'enrolld', 'enrolld secret box v1', 32));
  return {
    seal(plaintext, owner) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(owner, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join(':');
    },
    open(sealed, owner) {
      const [version, iv, tag, ciphertext] = sealed.split(':');
      if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed value of this version');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(owner, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/** A SecretBox whose secret is resolved when first needed (so a fresh SQLite start writes no file until a key is stored). */
export function lazySecretBox(config: Pick<Config, 'secretKey' | 'dataDir'>): SecretBox {
  let box: SecretBox | null = null;
  const get = () => (box ??= createSecretBox(resolveSecretKey(config)));
  return { seal: (plaintext, owner) => get().seal(plaintext, owner), open: (sealed, owner) => get().open(sealed, owner) };
}
