/**
 * What the CLI reads from its standard input: a new password (the first line of a pipe, or typed
 * twice at a terminal without echo) and bounded text such as a public key. It knows nothing of the
 * commands; it only reads, and always leaves stdin paused and out of raw mode when it is done.
 */
import { StringDecoder } from 'node:string_decoder';
import { passwordProblem } from './store/passwords.js';

export interface CliInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

interface Prompting {
  stdin: CliInput;
  /** Prompts go to stderr, so stdout stays clean for whatever reads it. */
  stderr: { write(text: string): unknown };
}

/** Read no more than this: longer than any password or public key we accept. */
const MAX_INPUT = 64 * 1024;

/** A new password that passes passwordProblem, or a sentence saying why there is none. */
export async function readNewPassword(io: Prompting, prompt: string): Promise<{ password: string } | { error: string }> {
  const { stdin } = io;
  let password: string | undefined;
  if (stdin.isTTY && stdin.setRawMode) {
    password = await promptHidden(io, prompt);
    const again = password === undefined ? undefined : await promptHidden(io, 'Again: ');
    if (password === undefined || again === undefined) return { error: 'Cancelled.' };
    if (again !== password) return { error: 'The passwords do not match.' };
  } else {
    password = await readInput(stdin, { firstLineOnly: true });
    if (password === undefined) {
      return { error: 'No password on standard input. Pipe it in as one line, or run in a terminal to be asked.' };
    }
  }
  const problem = passwordProblem(password);
  return problem ? { error: problem } : { password };
}

/**
 * Reads stdin to its end, or only its first line (without the line break). Undefined when stdin is
 * empty. Stops at MAX_INPUT characters; the caller's own checks refuse what is that long.
 */
export function readInput(stdin: CliInput, { firstLineOnly }: { firstLineOnly: boolean }): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let text = '';
    const stop = () => {
      stdin.off('data', onData).off('end', onEnd).off('error', onError);
      stdin.pause();
    };
    const finish = (value: string | undefined) => {
      stop();
      resolve(value?.replace(/\r$/, ''));
    };
    const onData = (chunk: Buffer | string) => {
      text += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      const newline = firstLineOnly ? text.indexOf('\n') : -1;
      if (newline >= 0) finish(text.slice(0, newline));
      else if (text.length > MAX_INPUT) finish(text);
    };
    const onEnd = () => {
      text += decoder.end();
      finish(text === '' ? undefined : text);
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    stdin.on('data', onData).on('end', onEnd).on('error', onError);
    stdin.resume();
  });
}

/** One line typed at the terminal without echo; undefined on Ctrl-C, or Ctrl-D on an empty line. */
function promptHidden(io: Prompting, prompt: string): Promise<string | undefined> {
  const { stdin } = io;
  io.stderr.write(prompt);
  stdin.setRawMode?.(true);
  return new Promise((resolve) => {
    const decoder = new StringDecoder('utf8');
    let value = '';
    const finish = (result: string | undefined) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      const chars = [...(typeof chunk === 'string' ? chunk : decoder.write(chunk))];
      for (const [i, ch] of chars.entries()) {
        if (ch === '\r' || ch === '\n') {
          // A pasted "password⏎password⏎" arrives in one chunk: keep the rest for the next prompt.
          finish(value);
          const rest = chars.slice(i + 1).join('');
          if (rest !== '') stdin.unshift(Buffer.from(rest)); // after pause(), so it waits in the buffer
          return;
        }
        if (ch === '\u0003' || (ch === '\u0004' && value === '')) return finish(undefined);
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ' && value.length < MAX_INPUT) value += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
