/**
 * The PROXY protocol (version 1, the text form HAProxy's `send-proxy` writes) for a board behind a
 * TCP load balancer: the balancer opens each connection with one line naming the caller's real
 * address, "PROXY TCP4 203.0.113.7 10.0.0.5 51234 2222\r\n", before the caller's own bytes. Without
 * it every caller would seem to come from the balancer, and the per-address caps, lockouts and
 * fail2ban would treat the whole board as one address. The line is read before anything else sees
 * the socket, and the socket then reports the caller's address and port as its own, so every part
 * of the front door (and ssh2, which reads socket.remoteAddress) uses them.
 * "PROXY UNKNOWN\r\n" (a balancer's health check) keeps the connection's own address.
 * A connection that does not start with a valid line in time is refused: with the setting on, only
 * the balancer may connect.
 */
import net from 'node:net';

/** The longest version-1 line, "\r\n" included (the specification's limit). */
const MAX_LINE = 107;

export interface ProxiedAddress {
  address: string;
  port: number;
}

/** One header line (without "\r\n") → the caller's address, null for UNKNOWN, or undefined when it is not valid. */
export function parseProxyLine(line: string): ProxiedAddress | null | undefined {
  const parts = line.split(' ');
  if (parts[0] !== 'PROXY') return undefined;
  if (parts[1] === 'UNKNOWN') return null;
  if (parts.length !== 6 || (parts[1] !== 'TCP4' && parts[1] !== 'TCP6')) return undefined;
  const [, family, source, , sourcePort] = parts as [string, string, string, string, string, string];
  if (net.isIP(source) !== (family === 'TCP4' ? 4 : 6)) return undefined;
  if (!/^\d{1,5}$/.test(sourcePort) || Number(sourcePort) > 65535) return undefined;
  return { address: source, port: Number(sourcePort) };
}

/**
 * Reads the header off the socket (paused mode: nothing else reads it meanwhile) and puts back what
 * followed it. Resolves true when the socket may go on (now reporting the caller's address),
 * false when it must be refused: no valid line within `withinMs`, or the socket closed.
 */
export function readProxyHeader(socket: net.Socket, withinMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = Buffer.alloc(0);
    const timer = setTimeout(() => finish(false), withinMs);
    const finish = (ok: boolean, rest?: Buffer) => {
      clearTimeout(timer);
      socket.off('readable', onReadable);
      socket.off('close', onClose);
      if (rest && rest.length > 0) socket.unshift(rest);
      resolve(ok);
    };
    const onClose = () => finish(false);
    const onReadable = () => {
      for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) {
        seen = Buffer.concat([seen, chunk]);
        const end = seen.indexOf('\r\n');
        if (end === -1 && seen.length < MAX_LINE) continue;
        if (end === -1 || end + 2 > MAX_LINE) return finish(false);
        const parsed = parseProxyLine(seen.subarray(0, end).toString('latin1'));
        if (parsed === undefined) return finish(false);
        if (parsed) actAs(socket, parsed);
        return finish(true, seen.subarray(end + 2));
      }
    };
    socket.on('readable', onReadable);
    socket.once('close', onClose);
  });
}

/** The socket reports the caller's address from now on (own properties shadow net.Socket's getters). */
function actAs(socket: net.Socket, caller: ProxiedAddress): void {
  Object.defineProperty(socket, 'remoteAddress', { value: caller.address, configurable: true });
  Object.defineProperty(socket, 'remotePort', { value: caller.port, configurable: true });
  Object.defineProperty(socket, 'remoteFamily', { value: net.isIPv6(caller.address) ? 'IPv6' : 'IPv4', configurable: true });
}
