import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The shared reference folder sits beside the clone (`../shared`) on development machines and in CI. Tests that
 * read it skip with this notice on a clone without it; the documents are never copied into the project.
 */
export const sharedDir = fileURLToPath(new URL('../../../shared/', import.meta.url));

export function sharedFile(rel: string): { path: string; exists: boolean; skip: string | false } {
  const path = `${sharedDir}${rel}`;
  const exists = existsSync(path);
  return {
    path,
    exists,
    skip: exists ? false : `skipped: ${path} not found (the shared reference folder is not beside this clone)`,
  };
}

export function readSharedJson<T = unknown>(rel: string): T {
  return JSON.parse(readFileSync(sharedFile(rel).path, 'utf8')) as T;
}
