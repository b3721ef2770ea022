// The JSON Schema of monitor configs (schema/monitor.schema.json, shipped as `depmon/schema.json`), generated
// from the one zod schema so editors check .json and .yaml configs as depmon does. `npm run schema` rewrites
// the file; test/package-schema.test.ts fails when it is out of step with the zod schema.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MonitorConfigSchema } from '#shared/config';

export const SCHEMA_FILE = fileURLToPath(new URL('./monitor.schema.json', import.meta.url));

/** The schema as the file holds it: what a user writes (zod's input side, defaults optional), pretty-printed. */
export function monitorJsonSchema(): string {
  const schema = z.toJSONSchema(MonitorConfigSchema, {
    io: 'input',
    target: 'draft-2020-12',
    // Cross-field checks (duplicate ids, channel independence, ...) and custom refinements have no JSON Schema
    // form; the structure, types, enums, patterns and ranges do. depmon itself still checks everything.
    unrepresentable: 'any',
  });
  const doc = {
    $schema: schema.$schema,
    $id: 'https://depmon.example/schema/monitor.schema.json',
    title: 'depmon monitor config',
    description:
      'monitor.config.json / .yaml for depmon. Generated from the zod schema (shared/config/schema.ts); depmon validates more than this schema can say (cross-field rules).',
    ...schema,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(SCHEMA_FILE, monitorJsonSchema());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
