// Grants that cdk-nag's AwsSolutions-IAM5 flags (a wildcard AWS documents as required), each in an IAM policy of
// its own whose acknowledgements name exactly its findings. A role's default policy then carries no
// acknowledgement: a wildcard added to it later is reported, not covered by an old reason.
import { Stack, Validations } from 'aws-cdk-lib';
import { Policy, type PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/** One finding of a cdk-nag rule (`AwsSolutions-IAM5[Resource::*]`) and why it is needed. */
export interface Finding {
  /** The rule and the exact finding, as cdk-nag reports it: `RuleId[FindingId]`. */
  readonly id: `${string}[${string}]`;
  /** Why the wildcard is needed, with the AWS page that says so. */
  readonly reason: string;
}

/**
 * A policy attached to `role` holding only `statements`, with `findings` acknowledged on it alone. `users` (the
 * function that assumes the role) wait for it, as they wait for the role's default policy.
 */
export function acknowledgedPolicy(
  role: Role,
  id: string,
  statements: readonly PolicyStatement[],
  findings: readonly Finding[],
  users: readonly IConstruct[] = [],
): Policy {
  const policy = new Policy(role, id, { statements: [...statements], roles: [role] });
  for (const f of findings) Validations.of(policy).acknowledge({ id: f.id, reason: f.reason });
  for (const user of users) user.node.addDependency(policy);
  return policy;
}

/** Sources the reasons cite (read 2026-12-02 through the docs search). */
export const AWS_DOCS = {
  cloudwatchConditionKeys:
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html',
  cloudwatchPermissions:
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/permissions-reference-cw.html',
  cloudwatchActions:
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html',
  snsKeyManagement: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html',
  lambdaVpc: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html',
} as const;

/**
 * The one finding of a schedule's role: CDK's LambdaInvoke target grants lambda:InvokeFunction on the function
 * and on `ARN:*` (its versions and aliases), with no option to leave the second out.
 */
export function invokeVersionsFinding(fn: IFunction): Finding {
  const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnFunction);
  return {
    id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
    reason:
      'EventBridge Scheduler must invoke the function it runs; CDK adds "ARN:*" (versions and aliases) beside the ' +
      'function ARN, and depmon publishes no version or alias, so the wildcard matches nothing but this function.',
  };
}
