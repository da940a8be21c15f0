import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_CONFIG, PolicyConfigError, validatePolicyConfig } from '../../src/policy/config.js';
import { dofcPolicy } from '../../src/policy/dofc.js';

function errorOf(input: Parameters<typeof validatePolicyConfig>[0]): PolicyConfigError {
  try {
    validatePolicyConfig(input);
  } catch (error) {
    if (error instanceof PolicyConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('validatePolicyConfig', () => {
  it('accepts the defaults unchanged', () => {
    expect(validatePolicyConfig({})).toEqual(DEFAULT_POLICY_CONFIG);
  });

  it('merges nested settings over the defaults', () => {
    const config = validatePolicyConfig({ floor: { businessShare: 0.25 }, heavy: { teamCaps: { risk: { cores: 40, memGb: 160 } } } });
    expect(config.floor).toEqual({ businessShare: 0.25, offHoursShare: 0.1 });
    expect(config.heavy.teamCaps['risk']).toEqual({ cores: 40, memGb: 160 });
    expect(config.heavy.maxRunningPerUser).toBe(1);
  });

  it.each([
    ['floor.businessShare', { floor: { businessShare: 0.4 } }],
    ['floor.businessShare', { floor: { businessShare: 0.2 } }],
    ['floor.offHoursShare', { floor: { offHoursShare: 0.5 } }],
    ['timeZone', { timeZone: 'Mars/Olympus' }],
    ['calendar.businessEnd', { calendar: { businessStart: '18:00', businessEnd: '09:00' } }],
    ['calendar.offPeakStart', { calendar: { offPeakStart: '7pm' } }],
    ['calendar.holidays[0]', { calendar: { holidays: ['25/12/2025'] } }],
    ['heavy.maxRunningPerUser', { heavy: { maxRunningPerUser: 0 } }],
    ['preemption.windowS', { preemption: { windowS: -1 } }],
    ['fairShare.teamWeights.risk', { fairShare: { teamWeights: { risk: 0 } } }],
    ['floor.bussinessShare', { floor: { bussinessShare: 0.3 } } as never],
  ])('rejects an invalid %s', (field, input) => {
    const error = errorOf(input);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it.each([0.25, 0.3, 0.35])('accepts a business floor of %s', (share) => {
    expect(validatePolicyConfig({ floor: { businessShare: share } }).floor.businessShare).toBe(share);
  });

  it('states the accepted floor range in the message', () => {
    expect(errorOf({ floor: { businessShare: 0.4 } }).message).toBe(
      'Invalid policy setting floor.businessShare: 0.4; set it to a number from 0.25 to 0.35.',
    );
  });

  it('makes dofcPolicy reject an invalid setting', () => {
    expect(() => dofcPolicy({ floor: { businessShare: 0.5 } })).toThrow(PolicyConfigError);
  });
});
