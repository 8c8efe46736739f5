/** The connector kits this Gemba is built with, by connection kind. */
import type { ConnectionKind, ConnectorKit } from '../domain/index.js';

export const CONNECTOR_KITS: Partial<Record<ConnectionKind, ConnectorKit>> = {};
