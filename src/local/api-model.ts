import * as sdk from '@aws-sdk/client-codedeploy';
import { NormalizedSchema } from '@smithy/core/schema';

/**
 * The CodeDeploy API model as the SDK ships it (its operation schemas): each operation's input
 * structure, member names, JSON types and required members. The local CodeDeploy reads requests by
 * it (validate.ts), so no operation keeps its own list of members.
 */
export interface ModelOperation {
  name: string;
  input: NormalizedSchema;
}

/** A Smithy static operation schema: [9, namespace, name, traits, input, output]. */
type OperationSchema = readonly [9, string, string, unknown, unknown, unknown];

function isOperationSchema(value: unknown): value is OperationSchema {
  return Array.isArray(value) && value[0] === 9 && typeof value[2] === 'string';
}

/** Every operation schema the SDK exports (as `<Operation>$`). */
const OPERATION_SCHEMAS = (Object.values(sdk) as unknown[]).filter(isOperationSchema);

export const MODEL_OPERATIONS: ReadonlyMap<string, ModelOperation> = new Map(
  OPERATION_SCHEMAS.map((schema) => [
    schema[2],
    {
      name: schema[2],
      input: NormalizedSchema.of(schema[4] as never),
    },
  ]),
);

/** The members of a structure the model requires (a Smithy structure lists them first and counts them). */
export function requiredMembers(structure: NormalizedSchema): ReadonlySet<string> {
  const schema = structure.getSchema() as unknown as readonly unknown[];
  const names = schema[4] as readonly string[];
  const count = typeof schema[6] === 'number' ? schema[6] : 0;
  return new Set(names.slice(0, count));
}
