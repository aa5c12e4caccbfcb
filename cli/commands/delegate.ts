// Commands whose work lives in another module (start → cli/daemon, demo → cli/demo, hook →
// hooks/client) load it here, by a specifier relative to the calling module. A module missing from
// this build is a one-line failure, not a stack trace.
import { ExitError } from '../exit-error.js';

/**
 * The function `name` exported by the module at `specifier`. `load` performs the import in the
 * caller's module (relative specifiers resolve against the importer), e.g. `(s) => import(s)`.
 */
export async function loadExport<F>(load: (specifier: string) => Promise<unknown>, specifier: string, name: string, what: string): Promise<F> {
  let mod: unknown;
  try {
    mod = await load(specifier);
  } catch (err) {
    const file = specifier.split('/').at(-1) ?? specifier;
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && (err as Error).message.includes(file)) {
      throw new ExitError(1, `${what} is not available in this build (${file} is missing)`, { code: 'NOT_IMPLEMENTED' });
    }
    throw err;
  }
  const fn = typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>)[name] : undefined;
  if (typeof fn !== 'function') throw new ExitError(1, `${what} is not available in this build (${specifier} has no ${name})`, { code: 'NOT_IMPLEMENTED' });
  return fn as F;
}

/** Hands an exit code through unchanged: 0 returns, anything else ends the CLI with it, silently. */
export function passExitCode(code: number): void {
  if (code !== 0) throw ExitError.quiet(code);
}
