/**
 * Where a deployment's page is. On AWS, the CodeDeploy console; on the local CodeDeploy, its own
 * web console, which it names in a header of every API answer (AWS sends no such header): a client
 * reads it once (an SDK middleware sees the raw response) and links every deployment there.
 */
export const LOCAL_CONSOLE_HEADER = 'x-local-codedeploy-console';

/**
 * The console base URL a local CodeDeploy named in LOCAL_CONSOLE_HEADER, if the value is one: an
 * http(s) URL whose path ends in /console/, without credentials, query or fragment. Anything else
 * (absent, garbage, another scheme) is not a local console, and links go to AWS.
 */
export function localConsoleBase(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(header);
  } catch {
    return undefined;
  }
  const plain = url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  return web && plain && url.pathname.endsWith('/console/') ? url.href : undefined;
}

/** A deployment's page: on the local console when there is one (see localConsoleBase), else on AWS's. */
export function deploymentUrl(deploymentId: string, region: string, localConsole?: string): string {
  const id = encodeURIComponent(deploymentId);
  if (localConsole !== undefined) return new URL(`deployments/${id}`, localConsole).href;
  return `https://console.aws.amazon.com/codesuite/codedeploy/deployments/${id}?region=${encodeURIComponent(region)}`;
}
