import type { CommandHandler } from './command.js';

const plan: CommandHandler = async () => {
  throw new Error('plan is being built');
};
export default plan;
