import { useTranslation } from 'react-i18next';
import { useSession } from '../session';

export function Home() {
  const { t } = useTranslation();
  const { me } = useSession();
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{t('home.title', { name: me?.user?.displayName ?? '' })}</h1>
      <dl className="facts">
        <dt>{t('home.tenant')}</dt>
        <dd>{me?.tenant?.name}</dd>
        <dt>{t('home.plan')}</dt>
        <dd>{me?.tenant?.plan}</dd>
        <dt>{t('home.roles')}</dt>
        <dd>{me?.roles?.join(', ')}</dd>
      </dl>
    </section>
  );
}
