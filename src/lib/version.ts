/** enrolld's version, as package.json states it (the webhook user-agent names it). */
import { readFileSync } from 'node:fs';

export const ENROLLD_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
