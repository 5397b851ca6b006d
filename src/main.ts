/** The action's face: reads the runner's inputs and event, then hands over to the orchestrator. */
export async function run(): Promise<void> {
  throw new Error('the action flow is being built');
}
