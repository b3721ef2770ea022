// The home-region stack: alarms, composite alarms, SNS topics, the notify function, the page log and the dashboard.
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { MonitorConfig } from '#shared/config';

export interface HomeStackProps extends StackProps {
  /** The validated monitor config. */
  readonly config: MonitorConfig;
  /** Where the config came from, for synth-time error messages. */
  readonly configFile: string;
}

/** Placeholder until the alarm plan lands: an empty stack in the home region. */
export class HomeStack extends Stack {
  constructor(scope: Construct, id: string, props: HomeStackProps) {
    super(scope, id, props);
  }
}
