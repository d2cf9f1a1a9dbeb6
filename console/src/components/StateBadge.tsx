import { useI18n } from '../i18n/index.tsx';
import type { TokenState } from '../platforms.ts';

export function StateBadge({ state }: { state: TokenState }) {
  const { t } = useI18n();
  return <span className={`badge state-${state.toLowerCase()}`}>{t.states[state]}</span>;
}
