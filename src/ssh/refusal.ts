/**
 * Refusing a connection in words. A bare TCP reset tells a real caller nothing; an SSH client
 * that is sent our version line, sends its own and then gets SSH_MSG_DISCONNECT prints the reason
 * ("Received disconnect from …: too many connections from your address"). RFC 4253 lets a
 * DISCONNECT come at any time, also before key exchange, as a plain unencrypted packet.
 *
 * A refused socket is held only until its version line arrives or a short deadline passes, and
 * only so many are held at once: past that they are reset, so refusing stays cheap for the board.
 */
import { randomFillSync } from 'node:crypto';
import type net from 'node:net';
import type { RefusalCode } from './admission.js';

const BUSY = 'The board is busy. Please try again in a minute.';
const TOO_MANY = 'Too many connections from your address. Please close some and try again.';

/** What a refused caller reads; undefined: not told (it never spoke, or it was only dropped). */
export const REFUSAL_TEXT: Readonly<Record<RefusalCode, string | undefined>> = {
  max_connections: BUSY,
  pre_login_full: BUSY,
  max_per_ip: TOO_MANY,
  pre_login_per_ip: TOO_MANY,
  registration_full: 'Too many people are registering right now. Please try again in a few minutes.',
  registration_per_ip: 'Someone at your address is already filling in the new-user form. Please finish that one first.',
  registration_rate: 'Too many new accounts were made from your address in the last hour. Please try again later.',
  evicted: undefined,
  no_version: undefined,
};

/** SSH_DISCONNECT_TOO_MANY_CONNECTIONS (RFC 4250 §4.2.2). */
const TOO_MANY_CONNECTIONS = 12;
const IDENT = 'SSH-2.0-ssh-bbs\r\n';
/** The longest version line RFC 4253 allows, plus the lines a client may send before it. */
const MAX_GREETING_BYTES = 2048;

/** An unencrypted SSH_MSG_DISCONNECT binary packet (RFC 4253 §6, block size 8). */
export function disconnectPacket(text: string, reason = TOO_MANY_CONNECTIONS): Buffer {
  const description = Buffer.from(text, 'utf8');
  const payload = Buffer.alloc(1 + 4 + 4 + description.length + 4);
  payload[0] = 1; // SSH_MSG_DISCONNECT
  payload.writeUInt32BE(reason, 1);
  payload.writeUInt32BE(description.length, 5);
  description.copy(payload, 9);
  payload.writeUInt32BE(0, 9 + description.length); // language tag: empty
  let padding = 8 - ((4 + 1 + payload.length) % 8);
  if (padding < 4) padding += 8;
  const packet = Buffer.alloc(4 + 1 + payload.length + padding);
  packet.writeUInt32BE(1 + payload.length + padding, 0);
  packet[4] = padding;
  payload.copy(packet, 5);
  randomFillSync(packet, 5 + payload.length);
  return packet;
}

export interface Refuser {
  /** Tell this socket why (if its client speaks SSH in time), then close it. */
  refuse(socket: net.Socket, code: RefusalCode): void;
  /** Sockets being told right now. */
  readonly holding: number;
}

export function createRefuser({ maxHeld, deadlineMs }: { maxHeld: number; deadlineMs: number }): Refuser {
  let holding = 0;
  return {
    refuse(socket, code) {
      const text = REFUSAL_TEXT[code];
      if (text === undefined || holding >= maxHeld) {
        socket.destroy();
        return;
      }
      holding += 1;
      let received = '';
      const timer = setTimeout(() => socket.destroy(), deadlineMs);
      timer.unref();
      socket.once('close', () => {
        holding -= 1;
        clearTimeout(timer);
      });
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (/(^|\n)SSH-[^\n]*\n/.test(received)) {
          socket.removeAllListeners('data');
          socket.end(disconnectPacket(text));
        } else if (received.length > MAX_GREETING_BYTES) {
          socket.destroy();
        }
      });
      socket.write(IDENT);
    },
    get holding() {
      return holding;
    },
  };
}
