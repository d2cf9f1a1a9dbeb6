/**
 * Modes of what enrolld writes into its data folder. The SQLite database and its WAL hold live
 * enrollment codes, the dev mailbox's messages carry them, secret.key opens the sealed private
 * keys: none may be readable by other local users, whatever the process's umask.
 *
 * Modes are given explicitly where each file is created rather than by narrowing the process's
 * umask: that holds for every way enrolld is started (serve, worker, migrate, the admin commands,
 * an embedding test) and changes nothing outside the data folder. Existing files and folders keep
 * the modes they have (an operator may have chosen them); README says how to tighten an older
 * installation's.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';

/** Only enrolld's own user may list or enter a folder it creates for its data. */
export const PRIVATE_FOLDER_MODE = 0o700;
/** Only enrolld's own user may read or write a file it creates there. */
export const PRIVATE_FILE_MODE = 0o600;

/** Create `folder` (and missing parents) 0700; an existing folder is left as it is. */
export function makePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
}

/** Create `file` empty and 0600 unless it exists (then it is left as it is). */
export function touchPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
}
