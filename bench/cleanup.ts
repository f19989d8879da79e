/**
 * What a run must undo however it ends (done, failed, Ctrl-C, too slow): hang up the callers,
 * stop the board, delete the temp folder. Undone in reverse order of doing, once, and one step
 * failing does not stop the next.
 */
export class Cleanup {
  private readonly steps: Array<() => unknown> = [];
  private running: Promise<void> | undefined;

  add(step: () => unknown): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    return (this.running ??= (async () => {
      for (const step of this.steps.splice(0).reverse()) {
        try {
          await step();
        } catch (err) {
          process.stderr.write(`cleanup: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
    })());
  }
}
