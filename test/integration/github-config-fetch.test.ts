import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFetcher } from '../../src/github/config-fetch.js';
import { FakeGitHub } from '../helpers/fake-github.js';

// The trusted map's reader against a GitHub API on 127.0.0.1: a file's text, a folder's files.
const github = new FakeGitHub();
let apiUrl: string;
beforeAll(async () => {
  apiUrl = await github.start();
  github.setFile('main', '.github/codedeploy/shop.yml', 'application: shop\n');
  github.setFile('main', '.github/codedeploy/api.yml', 'application: api\n');
  github.setFile('main', '.github/codedeploy/old/legacy.yml', 'application: legacy\n');
});
afterAll(() => github.stop());

const fetch = (path: string) =>
  configFetcher({ token: 'ghs_test', apiUrl, proxied: false })({
    owner: 'acme',
    repo: 'shop',
    path,
    branch: 'main',
  });

describe('configFetcher', () => {
  it("a file: its text, asked in GitHub's raw media type", async () => {
    expect(await fetch('.github/codedeploy/shop.yml')).toBe('application: shop\n');
    expect(github.requests.at(-1)!.path).toBe('/repos/acme/shop/contents/.github/codedeploy/shop.yml');
  });

  it('a folder: the names of the files in it, not of the folders', async () => {
    const listed = await fetch('.github/codedeploy');
    expect(listed).toEqual({ folder: expect.arrayContaining(['shop.yml', 'api.yml']) });
    expect((listed as { folder: string[] }).folder).toHaveLength(2);
  });

  it('neither, on the default branch: the fix says to merge it first', async () => {
    await expect(fetch('.github/deploy')).rejects.toThrow(
      '.github/deploy@main: the config file does not exist on the default branch "main" (merge it into "main" first',
    );
  });
});
