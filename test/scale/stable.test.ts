// Stable under change: adding, removing or renaming one dependency of a 1,000-dependency config changes the
// CloudFormation logical ids of that dependency's resources only. No alarm of another dependency moves to
// another stack or is replaced (a replaced alarm loses its state and can page again): two synths, diffed.
import { describe, expect, it } from 'vitest';
import { homeRegionStacks } from '#infra/home-region';
import { ProbeStack } from '#infra/probe-stack';
import type { MonitorConfigInput } from '#shared/config';
import { parseConfig } from '#shared/config';
import { unbundledApp } from '../helpers/cdk.ts';
import { scaleConfigInput } from './configs.ts';
import type { CfnTemplate } from './quotas.ts';

/** Every resource of the home Region and one probe Region: `stack/logicalId` → its alarm name (if an alarm). */
function synth(input: MonitorConfigInput): Map<string, string | undefined> {
  const config = parseConfig(input, 'scale.config.json');
  const app = unbundledApp({ builtinCloudFormationValidation: false });
  const env = { region: config.homeRegion };
  const home = homeRegionStacks(app, { config, configFile: 'x', env, stackNamePrefix: 'depmon-bank' });
  const probe = new ProbeStack(app, 'Probe', {
    config,
    configFile: 'x',
    probeRegion: 'ap-northeast-1',
    env: { region: 'ap-northeast-1' },
  });
  const assembly = app.synth();
  const out = new Map<string, string | undefined>();
  for (const stack of [...home.all, probe]) {
    const t = assembly.getStackByName(stack.stackName).template as CfnTemplate;
    for (const [id, r] of Object.entries(t.Resources))
      out.set(`${stack.stackName}/${id}`, r.Properties?.AlarmName as string | undefined);
  }
  return out;
}

/** Resources only in `a`, as `stack/logicalId (alarm name)`. */
const onlyIn = (a: Map<string, string | undefined>, b: Map<string, string | undefined>) =>
  [...a].filter(([k]) => !b.has(k)).map(([k, name]) => `${k.split('/')[0]} ${name ?? k}`);

/** The alarms a dependency owns: down, degraded and, ungrouped third party, its own external-outage. */
const own = (id: string) => [`bank-down-${id}`, `bank-degraded-${id}`, `bank-external-outage-${id}`];
const names = (lines: string[]) => lines.map((l) => l.split(' ')[1]!).sort();

describe('one dependency changed in a 1,000-dependency config', () => {
  const base = scaleConfigInput(1000);
  const before = synth(base);

  it('adding one (in the middle of the list) adds only its own alarms', () => {
    // Prepare: a partner in an existing group (dep-404's) and a non-critical core service, inserted mid-list
    const deps = [...base.dependencies];
    expect(deps[404]).toMatchObject({ tier: 'third-party', group: expect.any(String) });
    deps.splice(400, 0, { ...deps[404]!, id: 'new-partner', name: 'New partner' });
    deps.splice(10, 0, { ...deps[3]!, id: 'new-core', name: 'New core', critical: false });
    // Act
    const after = synth({ ...base, dependencies: deps });
    // Assess
    expect(onlyIn(before, after)).toEqual([]);
    expect(names(onlyIn(after, before))).toEqual(
      [
        'bank-degraded-new-core',
        'bank-degraded-new-partner',
        'bank-down-new-core',
        'bank-down-new-partner',
      ].sort(),
    );
  }, 240_000);

  it('removing one removes only its own alarms', () => {
    // Prepare: dep-301 is an ungrouped partner (it pages as its own group)
    const removed = base.dependencies.filter((d) => d.id !== 'dep-301');
    // Act
    const after = synth({ ...base, dependencies: removed });
    // Assess
    expect(onlyIn(after, before)).toEqual([]);
    expect(names(onlyIn(before, after))).toEqual(own('dep-301').sort());
  }, 240_000);

  it('renaming one replaces only its own alarms; every other alarm keeps its stack and logical id', () => {
    // Act: dep-500 is a grouped partner, dep-3 a core service
    const renamed = synth(
      scaleConfigInput(1000, { ids: (i) => (i === 500 ? 'dep-500-v2' : i === 3 ? 'dep-3-v2' : `dep-${i}`) }),
    );
    // Assess
    expect(names(onlyIn(before, renamed))).toEqual(
      ['bank-degraded-dep-3', 'bank-degraded-dep-500', 'bank-down-dep-3', 'bank-down-dep-500'].sort(),
    );
    expect(names(onlyIn(renamed, before))).toEqual(
      [
        'bank-degraded-dep-3-v2',
        'bank-degraded-dep-500-v2',
        'bank-down-dep-3-v2',
        'bank-down-dep-500-v2',
      ].sort(),
    );
    // No alarm changed its name under the same logical id (that would replace it).
    for (const [k, name] of before) if (renamed.has(k)) expect(renamed.get(k), k).toBe(name);
  }, 240_000);
});
