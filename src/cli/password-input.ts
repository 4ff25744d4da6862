/** Reads the whole of standard input (for --password-stdin), without the trailing newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export async function resolvePassword(opts: { password?: string; passwordStdin?: boolean }): Promise<string> {
  if (opts.passwordStdin) return readStdin();
  if (opts.password !== undefined) return opts.password;
  if (process.env.GATEHOUSE_PASSWORD) return process.env.GATEHOUSE_PASSWORD;
  throw new CliUsageError('a password is required: use --password-stdin, --password <pw> or GATEHOUSE_PASSWORD.');
}

export class CliUsageError extends Error {}
