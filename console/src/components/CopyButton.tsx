import { useState } from 'react';
import { useI18n } from '../i18n/index.tsx';

/** Copies `value`; says so for a moment (to screen readers too). */
export function CopyButton({ value, label }: { value: string; label?: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={label}
      onClick={async () => {
        await navigator.clipboard.writeText(value);
        setCopied(true);
        setTimeout(() => setCopied(false), 2_000);
      }}
    >
      <span aria-live="polite">{copied ? t.common.copied : t.common.copy}</span>
    </button>
  );
}
