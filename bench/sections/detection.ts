// Section placeholder: filled in once its inputs land.
import type { SectionResult } from '../lib/machine.ts';

export async function run(): Promise<SectionResult> {
  return { title: 'detection', markdown: 'Not run: waiting for its inputs.', data: null };
}
