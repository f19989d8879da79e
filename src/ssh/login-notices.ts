/**
 * Words for a caller during login, whatever method their client uses. ssh2 offers neither: its
 * `end()` sends SSH_MSG_DISCONNECT with an empty description, and its banner goes out only once,
 * before authentication starts. So, through ssh2's own packet writer (after key exchange packets
 * are encrypted), the way its `disconnect()` and service-accept build theirs:
 * - a disconnect with a description: every client prints it (OpenSSH: "Received disconnect from …
 *   port …:14: <text>", even at LogLevel=ERROR; ssh2's client raises it as its error);
 * - SSH_MSG_USERAUTH_BANNER, which RFC 4252 allows at any time before authentication succeeds:
 *   OpenSSH prints it on stderr at its default LogLevel (INFO); ssh2's client emits 'banner'.
 */
import { createRequire } from 'node:module';
import type { Connection } from 'ssh2';

/** SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE (RFC 4250 §4.2.2). */
export const NO_MORE_AUTH_METHODS = 14;
/** Long enough for any notice of ours; OpenSSH prints at most 400 characters of it. */
const MAX_TEXT_BYTES = 400;
const MESSAGE_DISCONNECT = 1;
const MESSAGE_USERAUTH_BANNER = 53;

interface PacketWriter {
  allocStart: number;
  allocStartKEX: number;
  alloc(length: number, force?: boolean): Buffer;
  finalize(packet: Buffer, force?: boolean): Buffer;
}
interface ProtocolInsides {
  _packetRW?: { write?: PacketWriter };
}
const { sendPacket } = createRequire(import.meta.url)('ssh2/lib/protocol/utils.js') as {
  sendPacket(protocol: unknown, packet: Buffer, bypass: boolean): void;
};

/**
 * Sends DISCONNECT with `text` and ends the socket. False when ssh2's insides have moved (a new
 * ssh2 version) or the socket is gone: the caller then ends the connection the plain way.
 */
export function disconnectWithReason(client: Connection, text: string, reason = NO_MORE_AUTH_METHODS): boolean {
  const reason32 = Buffer.alloc(4);
  reason32.writeUInt32BE(reason);
  if (!send(client, MESSAGE_DISCONNECT, [reason32, sshString(text)], true)) return false;
  (client as unknown as { _sock: { end(): void } })._sock.end();
  return true;
}

/** Sends `text` as a USERAUTH_BANNER (a line ending is added). False when it could not be sent. */
export function sendBanner(client: Connection, text: string): boolean {
  return send(client, MESSAGE_USERAUTH_BANNER, [sshString(`${text}\r\n`)], false);
}

/** A uint32 length, the UTF-8 text (at most MAX_TEXT_BYTES) and an empty language tag. */
function sshString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8').subarray(0, MAX_TEXT_BYTES);
  const out = Buffer.alloc(4 + bytes.length + 4);
  out.writeUInt32BE(bytes.length, 0);
  bytes.copy(out, 4);
  return out;
}

/** urgent: sent even during a key re-exchange (a disconnect may be); otherwise queued behind it, as ssh2 does. */
function send(client: Connection, type: number, fields: Buffer[], urgent: boolean): boolean {
  const insides = client as unknown as { _protocol?: ProtocolInsides; _sock?: { writable: boolean } };
  const writer = insides._protocol?._packetRW?.write;
  if (!writer || typeof writer.alloc !== 'function' || !insides._sock?.writable) return false;
  const body = Buffer.concat(fields);
  const p = urgent ? writer.allocStartKEX : writer.allocStart;
  const packet = writer.alloc(1 + body.length, urgent);
  packet[p] = type;
  body.copy(packet, p + 1);
  sendPacket(insides._protocol, writer.finalize(packet, urgent), urgent);
  return true;
}
