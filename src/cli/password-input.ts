/** Reads the whole of standard input (for --password-stdin from a pipe), without the trailing newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * Asks for a password at a terminal: prompt on stderr, nothing echoed, Enter ends it, Backspace
 * edits, Ctrl-C / Ctrl-D abort. Raw mode is the only way to turn echo off with Node alone; readline's
 * question() echoes, and a dependency for twenty lines was not worth it (docs/DECISIONS.md).
 */
export function promptHidden(prompt: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<string> {
  return new Promise((resolve, reject) => {
    // Echo off before the prompt shows: keys typed as soon as it appears must not be echoed.
    input.setRawMode(true);
    output.write(prompt);
    input.resume();
    let typed = '';
    const finish = (error: Error | null) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003' || ch === '\u0004') return finish(new CliUsageError('no password entered (aborted).'));
        if (ch === '\u007f' || ch === '\b') typed = Array.from(typed).slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    input.on('data', onData);
  });
}

export async function resolvePassword(opts: { password?: string; passwordStdin?: boolean }): Promise<string> {
  if (opts.passwordStdin) return process.stdin.isTTY ? promptHidden('Password (not shown): ') : readStdin();
  if (opts.password !== undefined) return opts.password;
  if (process.env.GATEHOUSE_PASSWORD) return process.env.GATEHOUSE_PASSWORD;
  throw new CliUsageError('a password is required: use --password-stdin, --password <pw> or GATEHOUSE_PASSWORD.');
}

export class CliUsageError extends Error {}
