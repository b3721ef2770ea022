// Reading synthesized templates against the quotas they must fit: CloudFormation's per template, CloudWatch's
// per dashboard and per composite rule. Shared by the scale tests and the dashboard tests.
import { CLOUDWATCH_LIMITS, parseRule, ruleLimitProblems } from '#shared/alarms';
import {
  CFN_MAX_OUTPUTS,
  CFN_MAX_PARAMETERS,
  CFN_MAX_RESOURCES,
  CFN_MAX_TEMPLATE_BYTES,
} from '#shared/runtime';
import {
  ALARM_STATUS_MAX_ALARMS,
  DASHBOARD_BODY_BUDGET_BYTES,
  DASHBOARD_MAX_METRICS,
  DASHBOARD_MAX_WIDGETS,
  LOG_QUERY_MAX_GROUPS,
  WIDGET_MAX_METRICS,
} from '../../infra/dashboard.ts';

export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;
  Outputs?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
}

export interface Widget {
  type: string;
  properties: Record<string, unknown> & { title?: string; markdown?: string };
}

/** Pseudo parameters as a deployment would fill them, so a body that CDK wrote as a join reads as JSON. */
const PSEUDO: Record<string, string> = {
  'AWS::Region': 'ap-northeast-2',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (v['Fn::Join']) return v['Fn::Join'][1].map(flatten).join(v['Fn::Join'][0]);
  if (v.Ref && PSEUDO[v.Ref]) return PSEUDO[v.Ref]!;
  throw new Error(`unexpected intrinsic in a dashboard body: ${JSON.stringify(value).slice(0, 120)}`);
}

/** Every dashboard of the templates by name: its widgets and the body's size as deployed. */
export function dashboardBodies(
  templates: readonly unknown[],
): Map<string, { widgets: Widget[]; bytes: number }> {
  const out = new Map<string, { widgets: Widget[]; bytes: number }>();
  for (const t of templates as CfnTemplate[]) {
    for (const r of Object.values(t.Resources)) {
      if (r.Type !== 'AWS::CloudWatch::Dashboard') continue;
      const body = flatten(r.Properties!.DashboardBody);
      out.set(r.Properties!.DashboardName as string, {
        widgets: (JSON.parse(body) as { widgets: Widget[] }).widgets,
        bytes: Buffer.byteLength(body),
      });
    }
  }
  return out;
}

/** A metric widget's metrics, math inputs included (each counts toward the dashboard's quota). */
const metricsOf = (w: Widget) =>
  w.type === 'metric' ? ((w.properties.metrics as unknown[]) ?? []).length : 0;

/** Everything in one template that breaks a quota, as readable lines (empty: it fits). */
export function templateProblems(name: string, template: CfnTemplate): string[] {
  const problems: string[] = [];
  const resources = Object.keys(template.Resources).length;
  const bytes = Buffer.byteLength(JSON.stringify(template));
  if (resources > CFN_MAX_RESOURCES) problems.push(`${name}: ${resources} resources`);
  if (bytes > CFN_MAX_TEMPLATE_BYTES) problems.push(`${name}: ${bytes} bytes`);
  if (Object.keys(template.Outputs ?? {}).length > CFN_MAX_OUTPUTS)
    problems.push(`${name}: too many outputs`);
  if (Object.keys(template.Parameters ?? {}).length > CFN_MAX_PARAMETERS)
    problems.push(`${name}: too many parameters`);
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::CloudWatch::CompositeAlarm') continue;
    const rule = r.Properties!.AlarmRule as string;
    for (const p of ruleLimitProblems(rule, parseRule(rule), CLOUDWATCH_LIMITS))
      problems.push(`${name} ${id}: ${p}`);
  }
  for (const [dashboard, { widgets, bytes: body }] of dashboardBodies([template])) {
    const at = `${name} dashboard ${dashboard}`;
    if (widgets.length > DASHBOARD_MAX_WIDGETS) problems.push(`${at}: ${widgets.length} widgets`);
    if (body > DASHBOARD_BODY_BUDGET_BYTES) problems.push(`${at}: body of ${body} bytes`);
    const metrics = widgets.reduce((n, w) => n + metricsOf(w), 0);
    if (metrics > DASHBOARD_MAX_METRICS) problems.push(`${at}: ${metrics} metrics`);
    for (const w of widgets) {
      if (metricsOf(w) > WIDGET_MAX_METRICS)
        problems.push(`${at}: widget "${w.properties.title}" has ${metricsOf(w)} metrics`);
      const alarms = (w.properties.alarms as unknown[] | undefined)?.length ?? 0;
      if (alarms > ALARM_STATUS_MAX_ALARMS)
        problems.push(`${at}: widget "${w.properties.title}" lists ${alarms} alarms`);
      const sources = ((w.properties.query as string | undefined) ?? '').split("SOURCE '").length - 1;
      if (sources > LOG_QUERY_MAX_GROUPS)
        problems.push(`${at}: widget "${w.properties.title}" queries ${sources} log groups`);
    }
  }
  return problems;
}
