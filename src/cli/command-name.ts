/**
 * How a checkout runs the CLI. `--no-install` matters: a package called `gatehouse` exists on the
 * public npm registry, and a bare `npx gatehouse` outside the checkout (or before `npm ci`) would
 * download and run it. The help texts and the server's startup hint use the same words.
 */
export const CLI_COMMAND = 'npx --no-install gatehouse';

/** The same CLI in the Docker image, which has no src/ (and no npx to resolve the bin). */
export const IMAGE_CLI_COMMAND = 'node dist/cli/main.js';
