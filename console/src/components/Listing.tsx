/**
 * A list's three states: loading, empty (with what to do about it), or its table, which scrolls
 * sideways in its own region on a narrow screen (focusable, so the keyboard can scroll it).
 */
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';

export function Listing({ pending, count, empty, label, children }: { pending: boolean; count: number; empty: string; label: string; children: ReactNode }) {
  const { t } = useI18n();
  if (pending) return <p>{t.common.loading}</p>;
  if (count === 0) return <p className="empty">{empty}</p>;
  return (
    <div className="table-wrap" role="region" tabIndex={0} aria-label={label}>
      {children}
    </div>
  );
}
