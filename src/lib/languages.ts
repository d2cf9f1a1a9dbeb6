/** The languages enrolld writes invitations and enrollment pages in (ISO 639-1). */
export const LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];
