import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { createPasswordHasher, DUMMY_HASH, HASH_OPTIONS, passwordProblem } from '../../src/store/passwords.js';

describe('createPasswordHasher', () => {
  const hasher = createPasswordHasher({ maxConcurrent: 2 });

  it('hashes to an Argon2id PHC string that verifies the right password only', async () => {
    const phc = await hasher.hash('correct horse battery');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await hasher.verify(phc, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(phc, 'correct horse batterY')).toBe(false);
    expect(await hasher.verify(phc, '')).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password'), hasher.hash('same password')]);
    expect(a).not.toBe(b);
  });

  it.each([
    ['not a hash'],
    [''],
    ['$argon2id$v=19$m=19456,t=2,p=1$bad'],
    ['$2b$10$abcdefghijklmnopqrstuuJ3Y9yNQ5b3rVJ0f5cZ2.Ww8gkC7q1e'],
  ])('verify of a malformed stored hash %j is false, not a throw', async (phc) => {
    await expect(hasher.verify(phc, 'whatever password')).resolves.toBe(false);
  });

  it('refuses absurdly long passwords without hashing them', async () => {
    const long = 'x'.repeat(10_000);
    await expect(hasher.verify(DUMMY_HASH, long)).resolves.toBe(false);
  });

  it('runs at most maxConcurrent hashes at once and queues the rest in order', async () => {
    const bounded = createPasswordHasher({ maxConcurrent: 2 });
    const seen: Array<{ running: number; waiting: number }> = [];
    const finished: number[] = [];
    const jobs = Array.from({ length: 6 }, (_, i) =>
      bounded.hash(`password number ${i}`).then(() => {
        seen.push({ running: bounded.running, waiting: bounded.waiting });
        finished.push(i);
      }),
    );
    expect({ running: bounded.running, waiting: bounded.waiting }).toEqual({ running: 2, waiting: 4 });
    await Promise.all(jobs);
    expect(seen.every((s) => s.running <= 2)).toBe(true);
    expect(seen.map((s) => s.waiting)).toEqual([...seen.map((s) => s.waiting)].sort((a, b) => b - a));
    expect({ running: bounded.running, waiting: bounded.waiting }).toEqual({ running: 0, waiting: 0 });
    expect(finished).toHaveLength(6);
  });

  it('frees its slot when a hash fails', async () => {
    const single = createPasswordHasher({ maxConcurrent: 1 });
    await expect(single.verify('garbage', 'password1')).resolves.toBe(false);
    expect(single.running).toBe(0);
    await expect(single.hash('still works')).resolves.toMatch(/^\$argon2id\$/);
  });

  it.each([0, -1, 1.5])('refuses maxConcurrent %s', (maxConcurrent) => {
    expect(() => createPasswordHasher({ maxConcurrent })).toThrow(RangeError);
  });
});

describe('DUMMY_HASH', () => {
  it('costs what a real hash costs (same parameters) and matches nothing likely', async () => {
    const hasher = createPasswordHasher({ maxConcurrent: 1 });
    const real = parseOptions(await hasher.hash('some password'));
    expect(parseOptions(DUMMY_HASH)).toEqual(real);
    expect(real).toMatchObject({
      memoryCost: HASH_OPTIONS.memoryCost,
      timeCost: HASH_OPTIONS.timeCost,
      parallelism: HASH_OPTIONS.parallelism,
    });
    expect(await hasher.verify(DUMMY_HASH, 'password')).toBe(false);
  });
});

describe('passwordProblem', () => {
  const tooShort = 'Passwords are at least 8 characters long.';
  const tooLong = 'Passwords are at most 128 characters long.';
  const blank = 'A password cannot be only spaces.';

  it.each([
    ['', tooShort],
    ['short', tooShort],
    ['1234567', tooShort],
    ['😀'.repeat(7), tooShort], // 14 UTF-16 units, 7 characters
    ['12345678', undefined],
    ['😀'.repeat(8), undefined],
    ['correct horse', undefined],
    ['a'.repeat(128), undefined],
    ['😀'.repeat(128), undefined], // 256 UTF-16 units, 128 characters
    ['a'.repeat(129), tooLong],
    [' '.repeat(10), blank],
    ['\t \n  \t  ', blank],
    ['  padded password  ', undefined],
  ])('%j → %j', (password, expected) => {
    expect(passwordProblem(password)).toBe(expected);
  });
});
