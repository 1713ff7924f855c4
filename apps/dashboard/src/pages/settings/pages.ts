// The settings pages in one chunk: an admin opening one is likely to open the others.
export { SettingsIndex, SettingsLayout } from './SettingsLayout';
export { Roles } from './Roles';
export { ApiKeys } from './ApiKeys';
export { Webhooks, WebhookEndpoint } from './Webhooks';
export { Audit } from './Audit';
export { Model } from './Model';
export { Evaluations } from './Evaluations';
export { Retention } from './Retention';
export { Export } from './Export';
export { Erasure } from './Erasure';
export { MyData } from './MyData';
