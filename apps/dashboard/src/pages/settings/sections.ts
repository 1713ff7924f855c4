/**
 * The settings pages, each for those whose permission it needs; a page without one (null) is every
 * person's own.
 */
export const SETTINGS = [
  { path: 'members', label: 'settings.members', permission: 'members:manage' },
  { path: 'roles', label: 'settings.roles', permission: 'members:manage' },
  { path: 'api-keys', label: 'settings.apiKeys', permission: 'api-keys:manage' },
  { path: 'webhooks', label: 'settings.webhooks', permission: 'webhooks:manage' },
  { path: 'audit', label: 'settings.audit', permission: 'audit:read' },
  { path: 'model', label: 'settings.model', permission: 'tenant:manage' },
  { path: 'usage', label: 'settings.usage', permission: 'tenant:manage' },
  { path: 'evaluations', label: 'settings.evaluations', permission: 'tenant:manage' },
  { path: 'retention', label: 'settings.retention', permission: 'tenant:manage' },
  { path: 'export', label: 'settings.export', permission: 'tenant:manage' },
  { path: 'erasure', label: 'settings.erasure', permission: 'tenant:manage' },
  { path: 'my-data', label: 'settings.myData', permission: null },
] as const;

/** Whether the caller may open a settings page: one without a permission is every person's. */
export function mayOpen(can: (permission: string) => boolean, permission: string | null): boolean {
  return permission === null || can(permission);
}
