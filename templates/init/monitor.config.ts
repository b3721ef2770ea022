// depmon monitor config, written by `depmon init`: what to probe, from which AWS regions, and whom to page.
// Every host below is loopback or under the reserved `.example` domain, so nothing here reaches a real
// service until you replace them. Fields and defaults: docs/config.md in depmon's repository; your editor checks
// this file through defineMonitor's types.
//
//   npx depmon check                                    probe each dependency once from this machine
//   npx depmon simulate scenarios/partner-outage.yaml   rehearse a partner outage: who is paged, when
//   npx cdk synth / npx cdk deploy                      build / ship the stacks (cdk.json runs `depmon app`)
import { defineMonitor } from 'depmon';

export default defineMonitor({
  // Names the stacks (depmon-<name>-home, depmon-<name>-probe-<region>): letters, digits and "-".
  name: 'my-monitor',
  // Alarms, pages and the dashboard live here; every probe region reports its results here.
  homeRegion: 'ap-northeast-2',
  // A dependency is down when a majority of these regions (here 2 of 3) fail it in 2 of 3 periods:
  // one region's network trouble alone pages nobody.
  probeRegions: ['ap-northeast-2', 'ap-northeast-1', 'ap-northeast-3'],
  // Seconds between probes: 10, 20, 30 or 60 (sub-minute alarms cost three times as much).
  intervalSeconds: 60,
  // What pages and the dashboard call your critical first-party dependencies together: pages say
  // "Core platform is healthy" while only partners are down. Yours: "core banking", "trading platform"…
  coreName: 'core platform',
  dependencies: [
    {
      // First party and critical: "core". Its outage pages SEV1 (core-outage) and holds partner pages back.
      id: 'core-api',
      name: 'Core API',
      tier: 'first-party',
      critical: true,
      features: ['sign-in', 'payments'],
      fallback: 'None: declare SEV1 and follow the disaster-recovery plan.',
      runbook: 'https://runbooks.my-company.example/core-api',
      owner: 'platform',
      // Your service's health URL. Until it answers here, `depmon check` reports this one down.
      http: { url: 'http://127.0.0.1:8080/health', expectStatus: 200 },
    },
    {
      // Third party: a partner outage pages SEV2 (external-outage), naming the features, fallback and runbook.
      id: 'payment-partner',
      name: 'Payment partner API',
      tier: 'third-party',
      // Several APIs of one vendor fail together: give them one group and they page together.
      group: 'payment-partner',
      features: ['card payments'],
      fallback: 'Offer bank transfer; card payments resume by themselves when the partner recovers.',
      runbook: 'https://runbooks.my-company.example/payment-partner',
      owner: 'payments',
      // `.example` never resolves: `depmon check` reports DNS_FAILURE until you name the real host.
      http: { url: 'https://api.payment-partner.example/health', timeoutMs: 5000 },
    },
  ],
  // Where pages go. A channel must not ride on a dependency it reports on (depmon refuses such a config).
  channels: [{ id: 'oncall-email', type: 'email', address: 'oncall@my-company.example' }],
  // PagerDuty, Opsgenie, Slack and AWS Incident Manager are channel types too, their credentials only as secret
  // references (docs/channels.md), e.g. beside the email:
  //   { id: 'oncall-pd', type: 'pagerduty', routingKey: '${secretsmanager:depmon/pagerduty#routingKey}' },
  // A route that pages core-outage needs email or SMS beside such a vendor.
  // No `routes`: every page kind goes to every channel. Add routes to split core and partner on-call.
});
