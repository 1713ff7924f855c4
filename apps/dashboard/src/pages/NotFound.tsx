import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';

export function NotFound() {
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t('notFound.title')}</h1>
      <Link to="/">{t('notFound.back')}</Link>
    </section>
  );
}

export function Forbidden() {
  const { t } = useTranslation();
  return (
    <section role="alert">
      <h1>{t('forbidden.title')}</h1>
      <p>{t('forbidden.lead')}</p>
      <Link to="/">{t('notFound.back')}</Link>
    </section>
  );
}
