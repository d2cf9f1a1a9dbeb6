/** Enrollment-page strings for every supported language. */
import type { Language } from '../../../lib/languages.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { it } from './it.ts';
import { pt } from './pt.ts';
import type { PageStrings } from './types.ts';

export const PAGE_STRINGS: Readonly<Record<Language, PageStrings>> = Object.freeze({ en, es, fr, de, it, pt });
export type { PageStrings };
