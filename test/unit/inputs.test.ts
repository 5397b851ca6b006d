import { describe, expect, it } from 'vitest';
import { readInputs } from '../../src/action/inputs.js';

const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('readInputs', () => {
  it('applies defaults', () => {
    expect(readInputs(reader({}))).toEqual({
      config: ['.github/codedeploy.yml'],
      configSource: 'trusted',
      githubToken: '',
      deploymentGroups: [],
      dryRun: false,
      rollback: false,
      onReady: 'wait',
      githubDeployments: true,
      prComment: true,
    });
  });

  it('reads every input', () => {
    const inputs = readInputs(
      reader({
        config: 'deploy.yml',
        'config-source': 'workspace',
        'github-token': 't',
        'deployment-groups': 'staging, test1\ntest2',
        'aws-region': 'eu-west-1',
        wait: '1h30m',
        'dry-run': 'true',
        revision: 'ABCDEF1',
        'on-ready': 'continue',
        'github-deployments': 'False',
        'pr-comment': 'false',
      }),
    );
    expect(inputs).toMatchObject({
      config: ['deploy.yml'],
      configSource: 'workspace',
      deploymentGroups: ['staging', 'test1', 'test2'],
      awsRegion: 'eu-west-1',
      wait: 5400,
      dryRun: true,
      revision: 'abcdef1',
      onReady: 'continue',
      githubDeployments: false,
      prComment: false,
    });
  });

  it('a group named twice is deployed once', () => {
    expect(readInputs(reader({ 'deployment-groups': 'a, b\na,b' })).deploymentGroups).toEqual(['a', 'b']);
  });

  it('wait: false means do not follow', () => {
    expect(readInputs(reader({ wait: 'false' })).wait).toBe(false);
  });

  it('lists every bad input at once, each with the fix', () => {
    const read = () =>
      readInputs(
        reader({
          'dry-run': 'yes',
          'config-source': 'branch',
          wait: '30',
          'deployment-groups': 'ok,bad/name',
          revision: 'main',
          'aws-region': 'europe',
          'on-ready': 'go',
        }),
      );
    expect(read).toThrow(/input "dry-run" is "yes" \(write true or false\)/);
    expect(read).toThrow(/input "config-source" is "branch" \(write one of trusted, workspace\)/);
    expect(read).toThrow(/input "wait" is "30" \(write a duration such as 30m/);
    expect(read).toThrow(/input "deployment-groups" is "bad\/name"/);
    expect(read).toThrow(/input "revision" is "main" \(write a commit sha/);
    expect(read).toThrow(/input "aws-region" is "europe"/);
    expect(read).toThrow(/input "on-ready" is "go"/);
  });

  it.each(['../../etc/hostname', '/etc/hostname', 'a/../../b.yml', '..'])(
    'refuses a config path that leaves the repository: %s',
    (config) => {
      expect(() => readInputs(reader({ config }))).toThrow(
        `action inputs: input "config" is "${config}" (write a path inside the repository`,
      );
    },
  );

  it('accepts a config path that stays inside, dots and all', () => {
    expect(readInputs(reader({ config: './deploy/../.github/cd.yml' })).config).toEqual([
      './deploy/../.github/cd.yml',
    ]);
  });

  it('config takes several files and folders, by comma or line; one named twice is loaded once', () => {
    expect(
      readInputs(reader({ config: 'apps/shop.yml, apps/api.yml\n.github/codedeploy/\napps/shop.yml' }))
        .config,
    ).toEqual(['apps/shop.yml', 'apps/api.yml', '.github/codedeploy/']);
  });

  it('refuses each path of a list that leaves the repository', () => {
    expect(() => readInputs(reader({ config: 'ok.yml,../../etc/passwd' }))).toThrow(
      'input "config" is "../../etc/passwd"',
    );
  });

  it('refuses rollback together with a revision', () => {
    expect(() => readInputs(reader({ rollback: 'true', revision: 'abcdef1' }))).toThrow(
      '"rollback" and "revision" both set',
    );
  });
});
