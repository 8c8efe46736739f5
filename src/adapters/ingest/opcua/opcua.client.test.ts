import { describe, expect, it } from 'vitest';
import { UserError } from '../../../domain/index.js';
import { checkSecurity, describeOpcUaError } from './opcua.client.js';

const endpoint = {
  endpointUrl: 'opc.tcp://plc:4840',
  securityMode: 'Sign',
  securityPolicy: 'Basic128Rsa15',
  username: 'op',
  stateDir: '/data/connections/press3',
} as const;

// The messages are node-opcua 2.182's own, as it throws them.
describe('describeOpcUaError', () => {
  it.each([
    [
      'BadUserAccessDenied (0x801f0000)',
      'identity',
      'the server rejected user "op": wrong user name or password, or not allowed (BadUserAccessDenied)',
    ],
    [
      'Cannot find ANONYMOUS user token policy in end point description',
      'identity',
      'the server does not accept anonymous sessions: configure username and password',
    ],
    [
      'Cannot find an Endpoint matching  security mode: 2 policy: http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15',
      'security',
      "the server offers no endpoint with securityMode Sign and securityPolicy Basic128Rsa15 (browse its endpoints or change the connection's security)",
    ],
    [
      'server Certificate verification failed with err BadCertificateUntrusted (0x801a0000)',
      'certificate',
      "the server's certificate is not trusted (BadCertificateUntrusted): it is not the one trusted on first use. If the change is expected, move it from /data/connections/press3/pki/rejected to /data/connections/press3/pki/trusted/certs",
    ],
    [
      'BadSecurityChecksFailed (0x80130000)',
      'certificate',
      "the server refused the secure channel (BadSecurityChecksFailed): trust Gemba's client certificate /data/connections/press3/pki/own/certs/client_certificate.pem on the server",
    ],
    [
      'The connection cannot be established with server opc.tcp://plc:4840 .\nPlease check that the server is up and running or your network configuration.\nErr = (connect ECONNREFUSED 10.0.0.7:4840)',
      'transient',
      'opc.tcp://plc:4840: The connection cannot be established with server opc.tcp://plc:4840 . Err = (connect ECONNREFUSED 10.0.0.7:4840)',
    ],
  ])('%s', (text, failure, message) => {
    expect(describeOpcUaError(new Error(text), endpoint)).toEqual({ failure, message });
  });
});

describe('checkSecurity', () => {
  it('refuses a mode without a policy and a policy without a mode', () => {
    expect(() => checkSecurity({ securityMode: 'Sign', securityPolicy: 'None' })).toThrow(UserError);
    expect(() => checkSecurity({ securityMode: 'None', securityPolicy: 'Basic256Sha256' })).toThrow(
      'securityPolicy Basic256Sha256 needs securityMode Sign or SignAndEncrypt (the mode is None)',
    );
    expect(checkSecurity({})).toEqual({ mode: 1, policy: 'http://opcfoundation.org/UA/SecurityPolicy#None' });
  });
});
