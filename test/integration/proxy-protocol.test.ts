/**
 * A board behind a TCP load balancer that sends the PROXY protocol (server.proxy_protocol): every
 * connection comes from the balancer's address (here 127.0.0.1), but the board counts and logs the
 * caller's address from the PROXY line — so two callers behind one balancer are two addresses to
 * max_per_ip, and a third from the first one's address is refused by name. A connection without
 * the line is dropped; "PROXY UNKNOWN" (a balancer's health check) gets the SSH version line.
 * Real board, real ssh2 clients over sockets that write the line first.
 */
import net from 'node:net';
import { once } from 'node:events';
import { Client } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { PASSWORD, useRoom, WAIT_MS } from '../helpers/room.js';

const room = useRoom();
const sockets: net.Socket[] = [];
const clients: Client[] = [];

/** A socket to the board that has written this PROXY line, as a balancer's would. */
async function through(port: number, line: string): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  sockets.push(socket);
  await once(socket, 'connect');
  socket.write(line);
  return socket;
}

/** Logs in over a socket that came through the "balancer". */
function logIn(socket: net.Socket, username: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    clients.push(client);
    client.on('ready', () => resolve(client)).on('error', reject);
    client.connect({ sock: socket, username, password: PASSWORD, readyTimeout: WAIT_MS, hostVerifier: () => true });
  });
}

/** What the board says first on a socket. */
async function firstWords(socket: net.Socket): Promise<string> {
  const [data] = (await once(socket, 'data')) as [Buffer];
  return data.toString('latin1');
}

describe('a board behind a load balancer sending the PROXY protocol', () => {
  it('counts and logs each caller by the address the balancer names', async () => {
    const board = await room.start({ server: { proxy_protocol: true }, connection: { max_per_ip: 1 } });
    await room.addUsers(['alice', 'bob']);
    try {
      await logIn(await through(board.port, 'PROXY TCP4 203.0.113.7 127.0.0.1 51234 2222\r\n'), 'alice');
      await logIn(await through(board.port, 'PROXY TCP4 203.0.113.8 127.0.0.1 40000 2222\r\n'), 'bob');
      const connects = board.logs().filter((l) => l.msg === 'connect');
      expect(connects.map((l) => [l.ip, l.port])).toEqual([
        ['203.0.113.7', 51234],
        ['203.0.113.8', 40000],
      ]);

      const third = await through(board.port, 'PROXY TCP4 203.0.113.7 127.0.0.1 51235 2222\r\n');
      // Read what it is sent (the version line, so an SSH client could be told why), until it closes.
      await once(third.resume(), 'close');
      await expect.poll(() => board.logs().find((l) => String(l.msg).startsWith('connection') && l.reason === 'max_per_ip')?.ip, { timeout: WAIT_MS }).toBe('203.0.113.7');

      const check = await through(board.port, 'PROXY UNKNOWN\r\n');
      expect(await firstWords(check)).toMatch(/^SSH-2\.0-/);

      const bare = net.connect(board.port, '127.0.0.1').on('error', () => undefined);
      sockets.push(bare);
      bare.write('SSH-2.0-OpenSSH_9.2\r\n');
      await once(bare.resume(), 'close');
    } finally {
      for (const client of clients.splice(0)) client.end();
      for (const socket of sockets.splice(0)) socket.destroy();
    }
  });
});
