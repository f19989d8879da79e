import { describe, expect, it } from 'vitest';
import { runtimeProblem } from '../../src/runtime.js';

describe('runtimeProblem', () => {
  it.each(['v20.12.0', 'v20.20.2', 'v22.23.3', '24.18.1', 'v23.1.0'])('%s can run the board', (version) => {
    expect(runtimeProblem(version)).toBeUndefined();
  });

  it.each([
    ['v18.20.0', /too old/],
    ['v20.11.1', /too old/],
    ['v24.19.0', /Node.js 20 or 22/],
    ['v24.21.0', /Node.js 20 or 22/],
    ['v26.0.0', /Node.js 20 or 22/],
  ])('%s is refused with a reason', (version, reason) => {
    expect(runtimeProblem(version)).toMatch(reason);
  });

  it('the Node running these tests is one the board accepts', () => {
    expect(runtimeProblem(process.version)).toBeUndefined();
  });
});
