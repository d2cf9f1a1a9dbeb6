/**
 * The console's six languages (the product's: en, es, fr, de, it, pt). The browser's preferred
 * language is chosen at first; a choice made in the header is remembered in this browser. Dates
 * are shown in that language's format, in the viewer's own time zone.
 */
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { de } from './de.ts';
import { en, type Messages } from './en.ts';
import { es } from './es.ts';
import { fr } from './fr.ts';
import { it } from './it.ts';
import { pt } from './pt.ts';

export const LANGUAGES = { en, es, fr, de, it, pt } satisfies Record<string, Messages>;
export type Language = keyof typeof LANGUAGES;
const STORAGE_KEY = 'enrolld.language';

const isLanguage = (value: string | null | undefined): value is Language => !!value && value in LANGUAGES;

/** The first of the browser's languages the console speaks, else English. */
export function preferredLanguage(browserLanguages: readonly string[] = navigator.languages): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (isLanguage(stored)) return stored;
  for (const tag of browserLanguages) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

interface I18n {
  language: Language;
  t: Messages;
  setLanguage(language: Language): void;
  /** A timestamp in this language's format and the viewer's time zone; '—' for none. */
  formatDate(value: string | null | undefined): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => preferredLanguage());
  const value = useMemo<I18n>(() => {
    const dates = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
    return {
      language,
      t: LANGUAGES[language],
      setLanguage(next) {
        localStorage.setItem(STORAGE_KEY, next);
        setLanguageState(next);
      },
      formatDate: (stamp) => (stamp ? dates.format(new Date(stamp)) : LANGUAGES[language].common.none),
    };
  }, [language]);
  // Screen readers pronounce the page in its language.
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
