// How a function receives what infra hands it at build time (its dependencies, the config, the alarm plan):
// a JSON file beside the bundle in the function's code asset. Not an esbuild `define`: that travels on the
// bundler's command line, which Linux caps at 128 KiB per argument (about 70 dependencies), and it would
// grow the bundle with the config. The file keeps the bundle the same size whatever the config's size.
import { readFileSync } from 'node:fs';

/** The file's name, beside `index.mjs` in the code asset (in Lambda: /var/task/depmon-embed.json). */
export const EMBED_FILE = 'depmon-embed.json';

/**
 * Reads and parses the embed file beside `moduleUrl` (the bundle's `import.meta.url`). A missing or broken
 * file is a build bug, named as such: `<fn> function: …`.
 */
export function readEmbed<T>(fn: string, moduleUrl: string | URL): T {
  const file = new URL(EMBED_FILE, moduleUrl);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(
      `${fn} function: ${EMBED_FILE} is missing beside the bundle (was it built by DepmonFunction?)`,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${fn} function: ${EMBED_FILE} is not valid JSON`);
  }
}
