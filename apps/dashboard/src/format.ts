import { useTranslation } from 'react-i18next';

/** Dates and times of the API (ISO-8601) as the reader's language writes them; empty when absent. */
export function useFormat() {
  const { i18n } = useTranslation();
  return {
    time: (value?: string) => (value ? new Date(value).toLocaleString(i18n.language) : ''),
    date: (value?: string) => (value ? new Date(value).toLocaleDateString(i18n.language) : ''),
  };
}
