// CDK apps for tests: each synth writes a cloud assembly, here into a temporary folder removed after the file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { afterAll } from 'vitest';

const outdirs: string[] = [];
afterAll(() => {
  for (const d of outdirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A CDK app whose cloud assembly goes to a temporary folder, removed once the test file is done. */
export function testApp(props: AppProps = {}): App {
  const outdir = mkdtempSync(path.join(tmpdir(), 'depmon-cdk-'));
  outdirs.push(outdir);
  return new App({ ...props, outdir });
}

/**
 * A test app that keeps the real NodejsFunction but skips asset bundling (bundle tests build the assets):
 * a synth then takes tens of milliseconds instead of seconds.
 */
export function unbundledApp(props: AppProps = {}): App {
  return testApp({ ...props, context: { ...props.context, 'aws:cdk:bundling-stacks': [] } });
}
