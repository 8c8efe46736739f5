/** OPC UA ingest: the connector, browsing an address space, testing a connection. */
export { createOpcUaConnector, opcUaConnectorKit } from './opcua.connector.js';
export { browseOpcUa, testOpcUaConnection } from './opcua.browse.js';
export type { BrowseOptions, BrowsedNode, OpcUaTestResult } from './opcua.browse.js';
export type { OpcUaEndpoint } from './opcua.client.js';
export { clientCertificateFile, pkiFolder } from './opcua.client.js';
