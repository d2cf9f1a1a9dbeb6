import { type Language, LANGUAGES, useI18n } from '../i18n/index.tsx';

export function LanguagePicker() {
  const { t, language, setLanguage } = useI18n();
  return (
    <label className="inline">
      {t.shell.language}{' '}
      <select value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
        {Object.entries(LANGUAGES).map(([code, messages]) => (
          <option key={code} value={code} lang={code}>{messages.languageName}</option>
        ))}
      </select>
    </label>
  );
}
