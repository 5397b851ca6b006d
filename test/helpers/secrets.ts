/**
 * Finds credentials in text the action produced: as given, percent-encoded, or inside base64
 * (at each of the three byte alignments a secret can have inside a longer encoded string, in both
 * the standard and the URL-safe alphabet).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret)]);
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.from(`${'\0'.repeat(offset)}${secret}`).toString('base64');
    // Drop the characters that mix in the padding bytes before and after the secret.
    const start = Math.ceil((offset * 4) / 3);
    const end = Math.floor(((offset + Buffer.byteLength(secret)) * 4) / 3);
    const core = encoded.slice(start, end);
    forms.add(core);
    forms.add(core.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return [...forms];
}

/** Each secret (by name) that appears in any of the texts, in any of its forms. */
export function findLeaks(secrets: Record<string, string>, texts: Record<string, string>): string[] {
  const leaks: string[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    for (const form of secretForms(secret)) {
      for (const [where, text] of Object.entries(texts)) {
        if (text.includes(form)) leaks.push(`${name} in ${where}${form === secret ? '' : ` (as "${form}")`}`);
      }
    }
  }
  return leaks;
}

/** Variables whose values are credentials; values shorter than 16 characters are placeholders, not scanned. */
const SECRET_VARIABLES = [
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'GITHUB_TOKEN',
  'INPUT_GITHUB-TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
];

export function secretsIn(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    SECRET_VARIABLES.filter((name) => (env[name]?.length ?? 0) >= 16).map((name) => [name, env[name]!]),
  );
}
