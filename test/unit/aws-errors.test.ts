import { describe, expect, it } from 'vitest';
import { explainAwsError, redactAwsMessage } from '../../src/aws/aws-errors.js';
import { UserError } from '../../src/core/problems.js';

const TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token';
const SIGNATURE_MESSAGE = [
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
  '',
  'The Canonical String for this request should have been',
  "'POST",
  '/',
  '',
  'content-type:application/x-amz-json-1.1',
  'host:codedeploy.us-east-1.amazonaws.com',
  `x-amz-security-token:${TOKEN}`,
  "'",
  '',
  'The String-to-Sign should have been',
  "'AWS4-HMAC-SHA256'",
].join('\n');

describe('redactAwsMessage', () => {
  it('cuts the canonical request and the string to sign that AWS echoes on a bad signature', () => {
    expect(redactAwsMessage(SIGNATURE_MESSAGE)).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. (the request AWS echoed back is not shown)',
    );
  });

  it('masks a security token wherever else it shows', () => {
    expect(
      redactAwsMessage(`header x-amz-security-token: ${TOKEN} and X-Amz-Security-Token=${TOKEN}&a=1`),
    ).toBe('header x-amz-security-token: [redacted] and X-Amz-Security-Token=[redacted]&a=1');
  });

  it('leaves ordinary messages alone', () => {
    expect(redactAwsMessage('Rate exceeded')).toBe('Rate exceeded');
  });
});

describe('explainAwsError', () => {
  it('never carries the echoed request into the error a person reads', () => {
    const error = Object.assign(new Error(SIGNATURE_MESSAGE), { name: 'InvalidSignatureException' });
    const explained = explainAwsError(error, 'codedeploy:GetApplication', 'application "shop"');
    expect(explained).toBeInstanceOf(UserError);
    expect((explained as UserError).message).not.toContain(TOKEN);
    expect((explained as UserError).message).toContain('AWS refused codedeploy:GetApplication');
  });

  it('redacts the message and the stack of an error it passes through', () => {
    const error = Object.assign(new Error(`boom: x-amz-security-token:${TOKEN}`), { name: 'SomethingElse' });
    expect(explainAwsError(error, 'codedeploy:GetApplication', 'application "shop"')).toBe(error);
    expect(error.message).toBe('boom: x-amz-security-token:[redacted]');
    expect(error.stack).not.toContain(TOKEN);
  });
});
