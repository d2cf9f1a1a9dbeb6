import { useI18n } from '../i18n/index.tsx';

export interface PageInfo {
  page: number;
  totalPages: number;
  totalDocs: number;
  hasPrevPage: boolean;
  hasNextPage: boolean;
}

export function Pagination({ info, onPage }: { info: PageInfo | undefined; onPage(page: number): void }) {
  const { t } = useI18n();
  if (!info) return null;
  return (
    <nav className="pagination" aria-label={t.common.page(info.page, info.totalPages)}>
      <button type="button" disabled={!info.hasPrevPage} onClick={() => onPage(info.page - 1)}>{t.common.previous}</button>
      <span>{t.common.page(info.page, info.totalPages)} · {t.common.total(info.totalDocs)}</span>
      <button type="button" disabled={!info.hasNextPage} onClick={() => onPage(info.page + 1)}>{t.common.next}</button>
    </nav>
  );
}
