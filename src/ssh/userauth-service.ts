/**
 * A client may ask for the "ssh-userauth" service again before each authentication method:
 * paramiko does (every auth_* call starts with a SERVICE_REQUEST), so a paramiko caller whose key
 * is not bound never got to its password. OpenSSH's sshd answers every such request while login
 * is under way; ssh2 disconnects at the second one (SERVICE_NOT_AVAILABLE). This answers a repeat
 * the way sshd does and leaves everything else (the first request, other services, requests after
 * login) to ssh2.
 */
import type { Connection } from 'ssh2';

type ServiceHandler = (protocol: unknown, service: string) => void;
interface ProtocolInsides {
  _handlers?: { SERVICE_REQUEST?: ServiceHandler };
  serviceAccept?(service: string): void;
}

/**
 * Wraps this connection's SERVICE_REQUEST handler. Throws when ssh2's insides have moved (a new
 * ssh2 version), so the change is noticed rather than silently lost.
 */
export function acceptRepeatedUserauth(client: Connection): void {
  const insides = client as unknown as { _protocol?: ProtocolInsides; authenticated?: boolean };
  const protocol = insides._protocol;
  const handlers = protocol?._handlers;
  const original = handlers?.SERVICE_REQUEST;
  if (!protocol || !handlers || typeof original !== 'function' || typeof protocol.serviceAccept !== 'function') {
    throw new Error('ssh2 internals changed: cannot answer repeated ssh-userauth service requests');
  }
  let accepted = false;
  handlers.SERVICE_REQUEST = (self, service) => {
    if (accepted && service === 'ssh-userauth' && insides.authenticated === false) return protocol.serviceAccept!(service);
    original(self, service);
    accepted ||= service === 'ssh-userauth';
  };
}
