import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A secret the API shows this once: to copy now, with the warning that it will not be shown again. */
export function SecretOnce({ label, secret }: { label: string; secret: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret-once" role="status">
      <p className="strong">{label}</p>
      <p>{t('secret.once')}</p>
      <code className="secret" data-testid="secret">
        {secret}
      </code>{' '}
      <button
        type="button"
        onClick={() =>
          void navigator.clipboard?.writeText(secret).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? t('secret.copied') : t('secret.copy')}
      </button>
    </div>
  );
}
