/**
 * The container's HEALTHCHECK: healthy when the board answers on its port with an SSH version
 * line. Reads the same config (config.yaml, BBS_*) as the board; exits 0 or 1. Behind a balancer
 * (server.proxy_protocol) it first says "PROXY UNKNOWN", as a balancer's own health check does.
 */
import net from 'node:net';
import { loadConfig } from './config.js';

const TIMEOUT_MS = 4000;

function check(host: string, port: number, proxy: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    if (proxy) socket.write('PROXY UNKNOWN\r\n');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(TIMEOUT_MS, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-2.0-')));
  });
}

const config = loadConfig();
const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
process.exit((await check(host, config.server.port, config.server.proxy_protocol)) ? 0 : 1);
