#!/usr/bin/env node
import { type CommandSpec, UsageError } from './commands/command.js';
import { UserError } from './core/problems.js';

// Each command is loaded only when it runs, so `plan` never parses the AWS SDK.
const commands: Record<string, CommandSpec> = {
  plan: {
    summary: 'Show which deployment groups an event deploys to (touches nothing)',
    usage:
      'plan [--config CONFIG] [--event EVENT] --event-file FILE [--sha SHA] [--repo OWNER/NAME] [--groups a,b]\n' +
      '     [--changed a.ts,b/c.ts] [--json]\n' +
      '     (a saved GitHub event payload, planned as the action plans it; EVENT is guessed from its shape\n' +
      '      when not given; --sha and --repo stand in for GITHUB_SHA and GITHUB_REPOSITORY)\n' +
      'plan [--config CONFIG] --event EVENT --ref REF\n' +
      '     [--pr N] [--pr-action opened|synchronize|reopened|closed|…] [--head-ref BRANCH] [--fork]\n' +
      '     [--sha SHA] [--repo OWNER/NAME] [--groups a,b] [--changed a.ts,b/c.ts] [--json]\n' +
      '     (REF: develop, refs/heads/…, refs/tags/…, or refs/pull/N/merge with --head-ref for the branch;\n' +
      '      workflow_run: a successful push run of branch REF; release: tag REF published; delete: REF deleted)\n' +
      '     EVENT: push, workflow_dispatch, pull_request, pull_request_target, workflow_run, release, delete\n' +
      '     (CONFIG: a config file, a folder of them (one application each), or several, comma-separated)\n' +
      "     (--changed: the files a push changed, checked against each config's paths)",
    load: () => import('./commands/plan.js'),
  },
  validate: {
    summary: 'Check the appspec.yml of the revision before anything is uploaded (touches nothing)',
    usage:
      'validate [--config FILE | --source DIR | --archive FILE [--bundle-type zip|tgz|tar]]\n' +
      "         (the config's revision: its folder, its pre-built archive (read, not unpacked),\n" +
      '          or with type github the checked-out commit as GitHub serves it)',
    load: () => import('./commands/validate.js'),
  },
  bundle: {
    summary: 'Build the revision archive locally (what would be uploaded), print its content digest',
    usage:
      'bundle [--config FILE] [--source DIR] [--bundle-type zip|tgz|tar] --out FILE [--json]\n' +
      '       (with revision.archive in the config: checks that archive and prints its digest;\n' +
      '        --out, optional then, copies it)',
    load: () => import('./commands/bundle.js'),
  },
  local: {
    summary: 'Rehearse a deployment of this folder on local instances (embedded S3 + local CodeDeploy)',
    usage:
      'local [--config FILE] (the map; default .github/codedeploy.yml, any path to it; a folder of\n' +
      '       them or several, comma-separated: every application is rehearsed)\n' +
      '      [--branch B] (the push to rehearse; default: the branch checked out here)\n' +
      '      [--event-file F [--event EVENT]] (a saved GitHub event instead; EVENT is guessed from its shape)\n' +
      '      [--instances N] (local instances per group, 1 to 200; default 2)\n' +
      "      [--wait 5m|false] (how long to follow each deployment; default: the map's wait)\n" +
      '      [--data DIR] (state, instances and S3 objects; default: a folder per workspace under the\n' +
      "       temp dir, kept between rehearsals, so ApplicationStop runs the last revision's scripts)\n" +
      '      Missing applications and groups are created on the local CodeDeploy; GitHub revisions\n' +
      "      (revision type github) come from this folder's .git. The hooks run on this\n" +
      '      machine as your user: rehearse as an ordinary user, not as root.',
    load: () => import('./commands/local.js'),
  },
  emulator: {
    summary: 'Run the local CodeDeploy (and an embedded S3) for trying and testing without AWS',
    usage:
      'emulator --data DIR [--port N] [--s3-endpoint URL|aws] [--s3-port N] [--instances-per-group N]\n' +
      '         [--time-scale F] (minute timers of blue/green groups last F × 60 s)\n' +
      '         [--realistic-timing] (deployments stay Created, then Queued, a few seconds)\n' +
      '         [--throttle RATE] (ThrottlingException past RATE API calls per second)\n' +
      '         [--github-repos DIR] (GitHub revisions of account/repo from the git repository DIR/account/repo)\n' +
      '         The web console is at http://HOST:PORT/console/.',
    load: () => import('./commands/emulator.js'),
  },
};

function help(): string {
  const lines = [
    'codedeploy-gitops: turn git branches into AWS CodeDeploy deployments',
    '',
    'Usage: codedeploy-gitops <command> [options]',
    '',
    'Commands:',
  ];
  for (const [name, spec] of Object.entries(commands)) {
    lines.push(`  ${name.padEnd(10)} ${spec.summary}`);
    lines.push(...spec.usage.split('\n').map((line) => `      ${line}`));
    lines.push('');
  }
  lines.push('Exit codes: 0 success or skip, 1 configuration or deployment error, 2 bad usage.');
  lines.push('Errors are printed as PATH:LINE:COL: message.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name === undefined ? 2 : 0;
  }
  const spec = commands[name];
  if (!spec) throw new UsageError(`unknown command "${name}"; run with --help to list the commands`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: codedeploy-gitops ${spec.usage}\n`);
    return 0;
  }
  const { default: handler } = await spec.load();
  return handler(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`usage error: ${error.message}\n`);
    process.exitCode = 2;
  } else if (error instanceof UserError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
