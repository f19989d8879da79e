import { describe, expect, it } from 'vitest';
import { runtimeProblem } from '../../src/runtime.js';

describe('runtimeProblem', () => {
  it.each(['v22.12.0', 'v22.23.5', '24.18.1', 'v24.19.0', 'v24.22.3', 'v26.0.0'])('%s can run the board', (version) => {
    expect(runtimeProblem(version)).toBeUndefined();
  });

  it.each([
    ['v18.20.0', /too old/],
    ['v20.20.2', /too old/],
    ['v22.11.0', /too old/],
  ])('%s is refused with a reason', (version, reason) => {
    expect(runtimeProblem(version)).toMatch(reason);
  });

  it('the Node running these tests is one the board accepts', () => {
    expect(runtimeProblem(process.version)).toBeUndefined();
  });
});
