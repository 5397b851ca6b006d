import { describe, expect, it } from 'vitest';
import { deploymentUrl, localConsoleBase } from '../../src/report/links.js';

describe('deployment links', () => {
  it('link to the AWS console, or to the local console a local CodeDeploy named', () => {
    expect(deploymentUrl('d-ABCDEFGHI', 'eu-west-1')).toBe(
      'https://console.aws.amazon.com/codesuite/codedeploy/deployments/d-ABCDEFGHI?region=eu-west-1',
    );
    expect(deploymentUrl('d-ABCDEFGHI', 'eu-west-1', 'http://127.0.0.1:4100/console/')).toBe(
      'http://127.0.0.1:4100/console/deployments/d-ABCDEFGHI',
    );
  });

  it('encode what an answer puts in a deployment id', () => {
    expect(deploymentUrl('d-1/../x?y', 'us-east-1', 'http://localhost:1/console/')).toBe(
      'http://localhost:1/console/deployments/d-1%2F..%2Fx%3Fy',
    );
    expect(deploymentUrl('d-1&z', 'us-east-1&w')).toBe(
      'https://console.aws.amazon.com/codesuite/codedeploy/deployments/d-1%26z?region=us-east-1%26w',
    );
  });

  it.each([
    ['http://127.0.0.1:4100/console/', 'http://127.0.0.1:4100/console/'],
    ['https://localhost/console/', 'https://localhost/console/'],
    [undefined, undefined],
    ['', undefined],
    ['not a url', undefined],
    ['javascript:alert(1)//console/', undefined],
    ['http://127.0.0.1:4100/', undefined],
    ['http://user:secret@127.0.0.1:4100/console/', undefined],
    ['http://127.0.0.1:4100/console/?next=evil', undefined],
    ['http://127.0.0.1:4100/console/#x', undefined],
  ])('take a console header %j as %j', (header, base) => {
    expect(localConsoleBase(header)).toBe(base);
  });
});
