/** Invitation strings for every supported language. */
import type { Language } from '../../../lib/languages.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { it } from './it.ts';
import { pt } from './pt.ts';
import type { InvitationStrings } from './types.ts';

export const INVITATION_STRINGS: Readonly<Record<Language, InvitationStrings>> = Object.freeze({ en, es, fr, de, it, pt });
export type { InvitationStrings };
