import { ApiError } from './wire.js';

/**
 * Readers for request members: each returns the typed value or throws the ApiError CodeDeploy uses
 * for that member. Unknown members are ignored, as the service does.
 */
export type Input = Record<string, unknown>;

const NAME = /^[A-Za-z0-9.\-_+=,@]+$/;

export function optionalString(input: Input, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ApiError('InvalidInputException', `${member} must be a string`);
  }
  return value;
}

export function requiredString(input: Input, member: string, missingType: string): string {
  const value = optionalString(input, member);
  if (value === undefined || value === '') throw new ApiError(missingType, `${member} is required`);
  return value;
}

/** Application, deployment group and deployment config names: 1–100 of A-Za-z0-9 . _ + = , @ - */
export function checkName(value: string, invalidType: string, what: string): string {
  if (value.length > 100 || !NAME.test(value)) {
    throw new ApiError(
      invalidType,
      `The ${what} name "${value}" is invalid: use 1 to 100 characters among A-Z a-z 0-9 . _ + = , @ -`,
    );
  }
  return value;
}

export function applicationName(input: Input, member = 'applicationName'): string {
  return checkName(
    requiredString(input, member, 'ApplicationNameRequiredException'),
    'InvalidApplicationNameException',
    'application',
  );
}

export function groupName(input: Input, member = 'deploymentGroupName'): string {
  return checkName(
    requiredString(input, member, 'DeploymentGroupNameRequiredException'),
    'InvalidDeploymentGroupNameException',
    'deployment group',
  );
}

export function optionalConfigName(input: Input): string | undefined {
  const value = optionalString(input, 'deploymentConfigName');
  return value === undefined
    ? undefined
    : checkName(value, 'InvalidDeploymentConfigNameException', 'deployment config');
}

export function optionalBoolean(
  input: Input,
  member: string,
  invalidType = 'InvalidInputException',
): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ApiError(invalidType, `${member} must be true or false`);
  return value;
}

export function optionalEnum<T extends string>(
  input: Input,
  member: string,
  allowed: readonly T[],
  invalidType: string,
): T | undefined {
  const value = optionalString(input, member);
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new ApiError(invalidType, `${member} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

export function optionalObject(
  input: Input,
  member: string,
  invalidType = 'InvalidInputException',
): Input | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(invalidType, `${member} must be an object`);
  }
  return value as Input;
}

export function optionalList(
  input: Input,
  member: string,
  invalidType = 'InvalidInputException',
): unknown[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ApiError(invalidType, `${member} must be a list`);
  return value;
}

export function stringList(
  input: Input,
  member: string,
  missingType: string,
  invalidType = 'InvalidInputException',
): string[] {
  const list = optionalList(input, member, invalidType);
  if (list === undefined) throw new ApiError(missingType, `${member} is required`);
  for (const item of list) {
    if (typeof item !== 'string') throw new ApiError(invalidType, `${member} must be a list of strings`);
  }
  return list as string[];
}

/** JSON 1.1 timestamps arrive as epoch seconds (numbers); returns epoch milliseconds. */
export function optionalTimestamp(input: Input, member: string, invalidType: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw new ApiError(invalidType, `${member} must be a timestamp`);
}

const DEPLOYMENT_ID = /^d-[A-Z0-9]{9}$/;

export function deploymentId(input: Input, member = 'deploymentId'): string {
  const value = requiredString(input, member, 'DeploymentIdRequiredException');
  return checkDeploymentId(value);
}

export function checkDeploymentId(value: string): string {
  if (!DEPLOYMENT_ID.test(value)) {
    throw new ApiError(
      'InvalidDeploymentIdException',
      `The deployment ID "${value}" is invalid: it looks like d- followed by 9 capital letters or digits`,
    );
  }
  return value;
}
