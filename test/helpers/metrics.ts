/**
 * Reading a board's Prometheus endpoint in tests: scrape() parses the text format into samples
 * keyed by `name{labels}` as written, and checks the content type a Prometheus server expects.
 */
import { expect } from 'vitest';

export type Samples = Map<string, number>;

export async function scrape(port: number): Promise<Samples> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples: Samples = new Map();
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1] as string, Number(match[2]));
  }
  return samples;
}

/** One of two seated callers quits: the scrape shows one member, one node in use, one leave. */
export async function expectOneLeft(port: number, quitter: { type(text: string): void; closed: Promise<unknown> }, timeout: number): Promise<void> {
  quitter.type('/quit\r');
  await quitter.closed;
  await expect.poll(async () => (await scrape(port)).get('bbs_room_members'), { timeout, interval: 50 }).toBe(1);
  const after = await scrape(port);
  expect(after.get('bbs_nodes_in_use')).toBe(1);
  expect(after.get('bbs_room_messages_total{kind="leave"}')).toBe(1);
}
