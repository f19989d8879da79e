/**
 * The board's lines ("nodes"): max_nodes numbered 1…max. A caller takes the lowest free one after
 * logging in and gives it back on every way out. Knows nothing of ssh or screens.
 */

export interface NodeHolder {
  handle: string;
  remote: string;
  since: number;
}

export class NodeManager {
  private readonly taken = new Map<number, NodeHolder>();

  constructor(readonly maxNodes: number) {}

  /** The lowest free node number, or undefined when every line is busy. */
  acquire(holder: NodeHolder): number | undefined {
    for (let node = 1; node <= this.maxNodes; node++) {
      if (!this.taken.has(node)) {
        this.taken.set(node, holder);
        return node;
      }
    }
    return undefined;
  }

  /** Idempotent: releasing a free node does nothing. */
  release(node: number): void {
    this.taken.delete(node);
  }

  inUse(): number {
    return this.taken.size;
  }

  /** Who is on which line, lowest node first. */
  list(): Array<{ node: number } & NodeHolder> {
    return [...this.taken.entries()].sort(([a], [b]) => a - b).map(([node, holder]) => ({ node, ...holder }));
  }
}
