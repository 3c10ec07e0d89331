import { describe, expect, it } from 'vitest';
import {
  minimumThreatLevelLabel,
  THREAT_LEVEL_CHOICES,
  threatLevel,
  threatLevelColour,
  threatLevelName,
} from './threat-level';

describe('threat levels, written once', () => {
  it('names MISP’s threat_level_id, as a number or as MISP’s string', () => {
    expect(threatLevelName(1)).toBe('High');
    expect(threatLevelName('2')).toBe('Medium');
    expect(threatLevelName('3')).toBe('Low');
    expect(threatLevelName(4)).toBe('Undefined');
  });

  it('calls anything else Undefined', () => {
    for (const odd of [0, 5, '', 'x', undefined, null, 1.5]) expect(threatLevelName(odd)).toBe('Undefined');
  });

  it('gives each level one colour, solid or translucent, and its mark kind', () => {
    expect(threatLevelColour(1)).toBe('#e53935');
    expect(threatLevelColour('1', 0.22)).toBe('rgba(229, 57, 53, 0.22)');
    expect(threatLevelColour(4)).toBe('#1e88e5');
    expect(new Set([1, 2, 3, 4].map((id) => threatLevelColour(id))).size).toBe(4);
    expect([1, 2, 3, 4, 9].map((id) => threatLevel(id).mark)).toEqual([
      'high',
      'medium',
      'low',
      'undefined',
      'undefined',
    ]);
  });

  it('offers the form’s choices most severe first, and the watch rule’s minimums', () => {
    expect(THREAT_LEVEL_CHOICES.map((choice) => choice.label)).toEqual([
      'High',
      'Medium',
      'Low',
      'Undefined',
    ]);
    expect(minimumThreatLevelLabel(3)).toBe('Low or higher');
    expect(minimumThreatLevelLabel(1)).toBe('High');
  });
});
