// Who is asking: the operator (admin token) or an organization's API key (read-only, own
// organization only). Every admin operation takes the viewer and scopes itself by it.
import { FlexError } from '../errors/catalog.js';

export type Viewer =
  | { role: 'admin' }
  | { role: 'organization'; orgId: string; orgName: string; keyId: string };

export const ADMIN: Viewer = { role: 'admin' };

export function requireAdmin(viewer: Viewer): void {
  if (viewer.role !== 'admin') {
    throw new FlexError('forbidden', { detail: 'An organization API key gives a read-only view; this change needs the admin token.' });
  }
}
