// The alarm resources of a synthesized CloudFormation template, read into plain definitions the evaluator runs.
// Intrinsic functions CDK emits (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select) are resolved to names and ARNs.
import {
  alarmNameFromRef,
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  HIGH_RESOLUTION_PERIODS,
  parseRule,
  type RuleNode,
  ruleAlarms,
  ruleLimitProblems,
  TREAT_MISSING_DATA,
  type TreatMissingData,
} from '#shared/alarms';
import { isSupportedStatistic, type MetricId } from './datapoints.ts';
import { MathError, type MathNode, parseMath } from './math.ts';

interface AlarmCommon {
  readonly logicalId: string;
  readonly name: string;
  readonly description?: string;
  readonly actionsEnabled: boolean;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
  readonly insufficientDataActions: readonly string[];
}

export interface MetricAlarmDef extends AlarmCommon {
  readonly kind: 'metric';
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  readonly treatMissingData: TreatMissingData;
  readonly evaluateLowSampleCountPercentile: 'evaluate' | 'ignore';
  /** The one metric the alarm watches, and its statistic. */
  readonly metric: MetricId;
  readonly stat: string;
  /** A metric-math alarm: the expression it compares, over `metric`'s statistic (named `inputId`). */
  readonly math?: { readonly text: string; readonly node: MathNode; readonly inputId: string };
}

export interface CompositeAlarmDef extends AlarmCommon {
  readonly kind: 'composite';
  readonly ruleText: string;
  readonly rule: RuleNode;
  readonly children: readonly string[];
  readonly suppressor?: string;
  readonly waitPeriodSeconds: number;
  readonly extensionPeriodSeconds: number;
}

export interface AlarmSet {
  readonly metricAlarms: readonly MetricAlarmDef[];
  readonly compositeAlarms: readonly CompositeAlarmDef[];
}

/** Bad or unsupported alarm definitions; `path` is the template path, e.g. `Resources.X.Properties.Period`. */
export class TemplateError extends Error {
  constructor(
    readonly path: string,
    readonly expectation: string,
  ) {
    super(`${path}: ${expectation}`);
    this.name = 'TemplateError';
  }
}

export interface TemplateContext {
  /** @default "ap-northeast-2" */
  readonly region?: string;
  /** @default "123456789012" */
  readonly account?: string;
}

type Json = unknown;
interface Resource {
  readonly Type?: string;
  readonly Properties?: Record<string, Json>;
}

/**
 * Reads every AWS::CloudWatch::Alarm and AWS::CloudWatch::CompositeAlarm of a template. An alarm the evaluator
 * cannot model (metric math, anomaly bands, an unknown statistic…) is refused with a TemplateError naming it:
 * skipping it would make the simulation quietly differ from what CloudWatch does.
 */
export function alarmsFromTemplate(template: unknown, ctx: TemplateContext = {}): AlarmSet {
  const resources = ((template as { Resources?: Record<string, Resource> })?.Resources ?? {}) as Record<
    string,
    Resource
  >;
  const region = ctx.region ?? 'ap-northeast-2';
  const account = ctx.account ?? '123456789012';
  const resolver = new Resolver(resources, region, account);

  const metricAlarms: MetricAlarmDef[] = [];
  const compositeAlarms: CompositeAlarmDef[] = [];
  for (const [logicalId, res] of Object.entries(resources)) {
    if (res.Type === 'AWS::CloudWatch::Alarm') metricAlarms.push(readMetricAlarm(logicalId, res, resolver));
    if (res.Type === 'AWS::CloudWatch::CompositeAlarm')
      compositeAlarms.push(readCompositeAlarm(logicalId, res, resolver));
  }
  const names = new Set<string>();
  for (const a of [...metricAlarms, ...compositeAlarms]) {
    if (names.has(a.name))
      throw new TemplateError(
        `Resources.${a.logicalId}.Properties.AlarmName`,
        `duplicate alarm name "${a.name}"`,
      );
    names.add(a.name);
  }
  for (const c of compositeAlarms) {
    for (const child of c.children)
      if (!names.has(child))
        throw new TemplateError(
          `Resources.${c.logicalId}.Properties.AlarmRule`,
          `expected alarms defined in the template, got "${child}"`,
        );
    if (c.suppressor !== undefined && !names.has(c.suppressor))
      throw new TemplateError(
        `Resources.${c.logicalId}.Properties.ActionsSuppressor`,
        `expected an alarm defined in the template, got "${c.suppressor}"`,
      );
  }
  checkCycles(compositeAlarms);
  return { metricAlarms, compositeAlarms };
}

function checkCycles(composites: readonly CompositeAlarmDef[]): void {
  const byName = new Map(composites.map((c) => [c.name, c]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: CompositeAlarmDef, path: string[]): void => {
    if (state.get(c.name) === 'done') return;
    if (state.get(c.name) === 'visiting')
      throw new TemplateError(
        `Resources.${c.logicalId}.Properties.AlarmRule`,
        `expected composite alarms without a cycle, got ${[...path, c.name].join(' → ')}`,
      );
    state.set(c.name, 'visiting');
    for (const child of c.children) {
      const cc = byName.get(child);
      if (cc) visit(cc, [...path, c.name]);
    }
    state.set(c.name, 'done');
  };
  for (const c of composites) visit(c, []);
}

class Resolver {
  private readonly names = new Map<string, string>();
  constructor(
    private readonly resources: Record<string, Resource>,
    private readonly region: string,
    private readonly account: string,
  ) {}

  alarmName(logicalId: string): string {
    const cached = this.names.get(logicalId);
    if (cached !== undefined) return cached;
    this.names.set(logicalId, logicalId); // guards a self-referencing name
    const raw = this.resources[logicalId]?.Properties?.AlarmName;
    const name =
      raw === undefined ? logicalId : this.string(raw, `Resources.${logicalId}.Properties.AlarmName`);
    this.names.set(logicalId, name);
    return name;
  }

  private topicArn(logicalId: string): string {
    const raw = this.resources[logicalId]?.Properties?.TopicName;
    const name =
      raw === undefined ? logicalId : this.string(raw, `Resources.${logicalId}.Properties.TopicName`);
    return `arn:aws:sns:${this.region}:${this.account}:${name}`;
  }

  private pseudo(name: string): string | undefined {
    switch (name) {
      case 'AWS::Region':
        return this.region;
      case 'AWS::AccountId':
        return this.account;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'depmon';
      case 'AWS::NoValue':
        return '';
    }
    return undefined;
  }

  private ref(id: string): string {
    const p = this.pseudo(id);
    if (p !== undefined) return p;
    const res = this.resources[id];
    if (res?.Type === 'AWS::CloudWatch::Alarm' || res?.Type === 'AWS::CloudWatch::CompositeAlarm')
      return this.alarmName(id);
    if (res?.Type === 'AWS::SNS::Topic') return this.topicArn(id);
    return id;
  }

  private getAtt(id: string, attr: string): string {
    const res = this.resources[id];
    if (res?.Type === 'AWS::CloudWatch::Alarm' || res?.Type === 'AWS::CloudWatch::CompositeAlarm') {
      if (attr === 'Arn')
        return `arn:aws:cloudwatch:${this.region}:${this.account}:alarm:${this.alarmName(id)}`;
    }
    if (res?.Type === 'AWS::SNS::Topic') {
      if (attr === 'TopicArn') return this.topicArn(id);
      if (attr === 'TopicName') return this.topicArn(id).split(':').pop() as string;
    }
    if (res?.Type === 'AWS::Lambda::Function' && attr === 'Arn')
      return `arn:aws:lambda:${this.region}:${this.account}:function:${id}`;
    return `${id}.${attr}`;
  }

  /** Resolves intrinsics down to plain JSON. */
  value(v: Json, path: string): Json {
    if (Array.isArray(v)) return v.map((x, i) => this.value(x, `${path}[${i}]`));
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, Json>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      const k = keys[0] as string;
      const arg = o[k];
      if (k === 'Ref') return this.ref(String(arg));
      if (k === 'Fn::GetAtt') {
        const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
        return this.getAtt(String(id), String(attr));
      }
      if (k === 'Fn::Join') {
        const [sep, list] = arg as [string, Json[]];
        const items = this.value(list, `${path}.Fn::Join[1]`);
        if (!Array.isArray(items)) throw new TemplateError(path, 'expected Fn::Join with a list');
        return items.map((x) => String(x)).join(sep);
      }
      if (k === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, Json>]) : [String(arg), {}];
        return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (vars && name in vars) return String(this.value(vars[name], `${path}.Fn::Sub`));
          const [id, attr] = name.split('.');
          return attr ? this.getAtt(id as string, attr) : this.ref(id as string);
        });
      }
      if (k === 'Fn::Select') {
        const [idx, list] = arg as [Json, Json];
        const items = this.value(list, path);
        return Array.isArray(items) ? items[Number(this.value(idx, path))] : undefined;
      }
      if (k === 'Fn::Split') {
        const [sep, s] = arg as [string, Json];
        return String(this.value(s, path)).split(sep);
      }
      if (k === 'Fn::ImportValue') return `import:${String(this.value(arg, path))}`;
      if (k.startsWith('Fn::'))
        throw new TemplateError(path, `expected an intrinsic the simulator resolves, got ${k}`);
    }
    return Object.fromEntries(keys.map((key) => [key, this.value(o[key], `${path}.${key}`)]));
  }

  string(v: Json, path: string): string {
    const r = this.value(v, path);
    if (typeof r !== 'string') throw new TemplateError(path, `expected a string, got ${JSON.stringify(r)}`);
    return r;
  }
}

const num = (v: Json, path: string, def?: number): number => {
  if (v === undefined && def !== undefined) return def;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new TemplateError(path, `expected a number, got ${JSON.stringify(v)}`);
  return n;
};

const list = (v: Json, path: string): string[] => {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new TemplateError(path, 'expected a list of ARNs');
  return v.map((x) => String(x));
};

function common(logicalId: string, p: Record<string, Json>, r: Resolver, base: string) {
  return {
    logicalId,
    name: r.alarmName(logicalId),
    ...(p.AlarmDescription !== undefined ? { description: String(p.AlarmDescription) } : {}),
    actionsEnabled:
      p.ActionsEnabled === undefined ? true : p.ActionsEnabled === true || p.ActionsEnabled === 'true',
    alarmActions: list(p.AlarmActions, `${base}.AlarmActions`),
    okActions: list(p.OKActions, `${base}.OKActions`),
    insufficientDataActions: list(p.InsufficientDataActions, `${base}.InsufficientDataActions`),
  };
}

function checkPeriod(period: number, path: string): void {
  if (!(HIGH_RESOLUTION_PERIODS as readonly number[]).includes(period) && (period < 60 || period % 60 !== 0))
    throw new TemplateError(
      path,
      `expected a period of 10, 20, 30 or a multiple of 60 seconds, got ${period}`,
    );
}

function dimensionsOf(v: Json, path: string): Record<string, string> {
  if (v === undefined) return {};
  if (!Array.isArray(v)) throw new TemplateError(path, 'expected a list of {Name, Value}');
  return Object.fromEntries(
    v.map((d, i) => {
      const dd = d as { Name?: Json; Value?: Json };
      if (typeof dd.Name !== 'string' || dd.Value === undefined)
        throw new TemplateError(`${path}[${i}]`, 'expected {Name, Value}');
      return [dd.Name, String(dd.Value)];
    }),
  );
}

function readMetricAlarm(logicalId: string, res: Resource, r: Resolver): MetricAlarmDef {
  const base = `Resources.${logicalId}.Properties`;
  const p = r.value(res.Properties ?? {}, base) as Record<string, Json>;
  const name = r.alarmName(logicalId);
  if (p.ThresholdMetricId !== undefined)
    throw new TemplateError(
      `${base}.ThresholdMetricId`,
      `alarm "${name}": expected a static threshold; the simulator does not evaluate anomaly detection`,
    );
  const comparison = String(p.ComparisonOperator);
  if (!(COMPARISON_OPERATORS as readonly string[]).includes(comparison))
    throw new TemplateError(
      `${base}.ComparisonOperator`,
      `expected one of ${COMPARISON_OPERATORS.join(', ')} (anomaly detection is not simulated), got ${JSON.stringify(p.ComparisonOperator)} in alarm "${name}"`,
    );
  const tmd = p.TreatMissingData === undefined ? 'missing' : String(p.TreatMissingData);
  if (!(TREAT_MISSING_DATA as readonly string[]).includes(tmd))
    throw new TemplateError(
      `${base}.TreatMissingData`,
      `expected one of ${TREAT_MISSING_DATA.join(', ')}, got "${tmd}"`,
    );
  const evaluationPeriods = num(p.EvaluationPeriods, `${base}.EvaluationPeriods`);
  const datapointsToAlarm = num(p.DatapointsToAlarm, `${base}.DatapointsToAlarm`, evaluationPeriods);
  if (datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods)
    throw new TemplateError(
      `${base}.DatapointsToAlarm`,
      `expected 1 to EvaluationPeriods (${evaluationPeriods})`,
    );
  const watched =
    p.Metrics !== undefined ? readMath(p.Metrics, `${base}.Metrics`, name) : readMetric(p, base);
  return {
    kind: 'metric',
    ...common(logicalId, p, r, base),
    evaluationPeriods,
    datapointsToAlarm,
    threshold: num(p.Threshold, `${base}.Threshold`),
    comparison: comparison as ComparisonOperator,
    treatMissingData: tmd as TreatMissingData,
    evaluateLowSampleCountPercentile: p.EvaluateLowSampleCountPercentile === 'ignore' ? 'ignore' : 'evaluate',
    ...watched,
  };
}

type Watched = Pick<MetricAlarmDef, 'metric' | 'stat' | 'math' | 'periodSeconds'>;

/** The watched metric, its statistic (Statistic, or ExtendedStatistic for a percentile) and period. */
function readMetric(p: Record<string, Json>, base: string): Watched {
  const key = p.ExtendedStatistic !== undefined ? 'ExtendedStatistic' : 'Statistic';
  const stat = p[key] !== undefined ? String(p[key]) : '';
  checkStatistic(stat, `${base}.${key}`);
  if (typeof p.MetricName !== 'string' || typeof p.Namespace !== 'string')
    throw new TemplateError(base, 'expected MetricName and Namespace');
  const periodSeconds = num(p.Period, `${base}.Period`);
  checkPeriod(periodSeconds, `${base}.Period`);
  return {
    stat,
    periodSeconds,
    metric: {
      namespace: p.Namespace,
      metricName: p.MetricName,
      dimensions: dimensionsOf(p.Dimensions, `${base}.Dimensions`),
    },
  };
}

function checkStatistic(stat: string, path: string): void {
  if (!isSupportedStatistic(stat))
    throw new TemplateError(
      path,
      `expected SampleCount, Sum, Average, Minimum, Maximum or a percentile such as p99, got ${JSON.stringify(stat)}`,
    );
}

/**
 * A metric-math alarm (`Metrics`): exactly one metric (MetricStat, ReturnData false) and one expression over it
 * (ReturnData true), which the evaluator applies to each period's statistic (see math.ts for what it accepts).
 */
function readMath(v: Json, base: string, name: string): Watched {
  if (!Array.isArray(v)) throw new TemplateError(base, 'expected a list of metric data queries');
  type Query = { Id?: Json; MetricStat?: Record<string, Json>; Expression?: Json; ReturnData?: Json };
  const queries = v as Query[];
  const stats = queries.filter((q) => q.MetricStat !== undefined);
  const returned = queries.filter((q) => q.ReturnData === undefined || q.ReturnData === true);
  if (stats.length !== 1 || queries.length !== 2)
    throw new TemplateError(
      base,
      `alarm "${name}": expected one metric and one expression over it; the simulator does not evaluate math over several metrics`,
    );
  const [input] = stats as [Query];
  const expr = queries.find((q) => q !== input) as Query;
  if (returned.length !== 1 || returned[0] !== expr || typeof expr.Expression !== 'string')
    throw new TemplateError(base, `alarm "${name}": expected the expression (not the metric) to return data`);
  const i = queries.indexOf(input);
  const ms = input.MetricStat as Record<string, Json>;
  const metric = (ms.Metric ?? {}) as Record<string, Json>;
  if (typeof metric.MetricName !== 'string' || typeof metric.Namespace !== 'string')
    throw new TemplateError(`${base}[${i}].MetricStat.Metric`, 'expected MetricName and Namespace');
  const stat = String(ms.Stat ?? '');
  checkStatistic(stat, `${base}[${i}].MetricStat.Stat`);
  const periodSeconds = num(ms.Period, `${base}[${i}].MetricStat.Period`);
  checkPeriod(periodSeconds, `${base}[${i}].MetricStat.Period`);
  const inputId = String(input.Id);
  let node: MathNode;
  try {
    node = parseMath(expr.Expression, [inputId]);
  } catch (e) {
    if (!(e instanceof MathError)) throw e;
    throw new TemplateError(`${base}[${queries.indexOf(expr)}].Expression`, `alarm "${name}": ${e.message}`);
  }
  return {
    stat,
    periodSeconds,
    metric: {
      namespace: metric.Namespace,
      metricName: metric.MetricName,
      dimensions: dimensionsOf(metric.Dimensions, `${base}[${i}].MetricStat.Metric.Dimensions`),
    },
    math: { text: expr.Expression, node, inputId },
  };
}

function readCompositeAlarm(logicalId: string, res: Resource, r: Resolver): CompositeAlarmDef {
  const base = `Resources.${logicalId}.Properties`;
  const p = r.value(res.Properties ?? {}, base) as Record<string, Json>;
  if (typeof p.AlarmRule !== 'string') throw new TemplateError(`${base}.AlarmRule`, 'expected a rule string');
  let rule: RuleNode;
  try {
    rule = parseRule(p.AlarmRule);
  } catch (e) {
    throw new TemplateError(`${base}.AlarmRule`, e instanceof Error ? e.message : String(e));
  }
  const overLimit = ruleLimitProblems(p.AlarmRule, rule);
  if (overLimit.length > 0)
    throw new TemplateError(
      `${base}.AlarmRule`,
      `expected a rule within CloudWatch's limits; the rule of "${r.alarmName(logicalId)}" ${overLimit.join(', and ')}`,
    );
  const suppressor =
    p.ActionsSuppressor === undefined ? undefined : alarmNameFromRef(String(p.ActionsSuppressor));
  const period = (k: string) => {
    if (p[k] !== undefined) return num(p[k], `${base}.${k}`);
    if (suppressor !== undefined)
      throw new TemplateError(
        `${base}.${k}`,
        'expected seconds: CloudWatch requires it with ActionsSuppressor',
      );
    return 0;
  };
  return {
    kind: 'composite',
    ...common(logicalId, p, r, base),
    ruleText: p.AlarmRule,
    rule,
    children: ruleAlarms(rule),
    ...(suppressor !== undefined ? { suppressor } : {}),
    waitPeriodSeconds: period('ActionsSuppressorWaitPeriod'),
    extensionPeriodSeconds: period('ActionsSuppressorExtensionPeriod'),
  };
}
