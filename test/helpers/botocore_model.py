"""The CodeDeploy API model as botocore (the AWS CLI's library) ships it: an independent copy of
the model the local CodeDeploy reads from the JS SDK, used by the tests to check its answers and
its table of constraints.

  python3 botocore_model.py summary   prints each operation's declared errors and required members,
                                      and every input member with its type and constraints (JSON)
  python3 botocore_model.py check     reads [{operation, kind: input|output, body}] (JSON) on stdin
                                      and prints, for each, the ways the body breaks the model
"""
import json
import sys

import botocore.session

MODEL = botocore.session.get_session().get_service_model('codedeploy')

JSON_TYPES = {
    'string': (str,),
    'boolean': (bool,),
    'integer': (int,),
    'long': (int,),
    'double': (int, float),
    'float': (int, float),
    'timestamp': (int, float),
    'list': (list,),
    'map': (dict,),
    'structure': (dict,),
}


def constraints(shape):
    return {key: shape.metadata[key] for key in ('min', 'max', 'enum', 'pattern') if key in shape.metadata}


def summary():
    operations = {}
    members = []
    for name in MODEL.operation_names:
        operation = MODEL.operation_model(name)
        shape = operation.input_shape
        operations[name] = {
            'errors': sorted(error.name for error in operation.error_shapes),
            'required': sorted(shape.required_members) if shape else [],
        }
        seen = set()

        def walk(structure):
            if structure.name in seen:
                return
            seen.add(structure.name)
            for member, target in structure.members.items():
                members.append({
                    'operation': name,
                    'structure': structure.name,
                    'member': member,
                    'type': target.type_name,
                    'constraints': constraints(target),
                    'item': constraints(target.member) if target.type_name == 'list' else {},
                })
                inner = target
                while inner.type_name in ('list', 'map'):
                    inner = inner.member if inner.type_name == 'list' else inner.value
                if inner.type_name == 'structure':
                    walk(inner)

        if shape:
            walk(shape)
    print(json.dumps({'operations': operations, 'members': members}))


def problems_of(shape, value, path, problems):
    if value is None:
        problems.append(f'{path}: null')
        return
    types = JSON_TYPES.get(shape.type_name, (object,))
    if not isinstance(value, types) or (shape.type_name in ('integer', 'long') and isinstance(value, bool)):
        problems.append(f'{path}: {shape.type_name} expected, got {type(value).__name__} {json.dumps(value)[:60]}')
        return
    meta = shape.metadata
    if shape.type_name == 'string':
        if 'enum' in meta and value not in meta['enum']:
            problems.append(f'{path}: {json.dumps(value)} is not one of {meta["enum"]}')
        if 'min' in meta and len(value) < meta['min'] or 'max' in meta and len(value) > meta['max']:
            problems.append(f'{path}: length {len(value)} outside {meta.get("min")}..{meta.get("max")}')
    elif shape.type_name == 'structure':
        for key, item in value.items():
            if key not in shape.members:
                problems.append(f'{path}.{key}: not a member of {shape.name}')
            else:
                problems_of(shape.members[key], item, f'{path}.{key}', problems)
        for key in shape.required_members:
            if key not in value:
                problems.append(f'{path}.{key}: required member missing')
    elif shape.type_name == 'list':
        for index, item in enumerate(value):
            problems_of(shape.member, item, f'{path}[{index}]', problems)
    elif shape.type_name == 'map':
        for key, item in value.items():
            problems_of(shape.value, item, f'{path}.{key}', problems)


def check():
    results = []
    for item in json.load(sys.stdin):
        operation = MODEL.operation_model(item['operation'])
        shape = operation.input_shape if item['kind'] == 'input' else operation.output_shape
        problems = []
        if shape is None:
            if item['body'] not in ({}, None):
                problems.append('the operation answers nothing, but the body is not empty')
        else:
            problems_of(shape, item['body'], item['operation'], problems)
        results.append(problems)
    print(json.dumps(results))


if __name__ == '__main__':
    {'summary': summary, 'check': check}[sys.argv[1]]()
