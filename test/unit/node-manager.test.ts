import { describe, expect, it } from 'vitest';
import { NodeManager } from '../../src/nodes/node-manager.js';

const holder = (handle: string) => ({ handle, remote: '127.0.0.1:1', since: 0 });

describe('NodeManager', () => {
  it('hands out the lowest free node and says busy when all are taken', () => {
    const nodes = new NodeManager(3);
    expect([nodes.acquire(holder('a')), nodes.acquire(holder('b')), nodes.acquire(holder('c'))]).toEqual([1, 2, 3]);
    expect(nodes.acquire(holder('d'))).toBeUndefined();
    nodes.release(2);
    expect(nodes.acquire(holder('e'))).toBe(2);
    expect(nodes.list().map((n) => `${n.node}:${n.handle}`)).toEqual(['1:a', '2:e', '3:c']);
  });

  it('releasing twice or releasing a free node changes nothing', () => {
    const nodes = new NodeManager(2);
    nodes.acquire(holder('a'));
    nodes.release(1);
    nodes.release(1);
    nodes.release(7);
    expect(nodes.inUse()).toBe(0);
    expect(nodes.acquire(holder('b'))).toBe(1);
  });
});
