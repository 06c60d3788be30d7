// An invalid `identity:` section is refused as a whole, every problem named where it is.

import { describe, expect, it } from 'vitest';
import { MergeRules } from '../src/contract/index.js';

describe('identity config errors', () => {
  it('lists every problem of the merge rules at once, naming a repeated priority type', () => {
    const parsed = MergeRules.safeParse({
      priority: ['user', 'emial', 'shop_id', 'user'],
      limits: { email: -1, phone: 0 },
      blocked: { patterns: ['(unclosed'] },
    });
    expect(parsed.success).toBe(false);
    const issues = (parsed.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`).sort();
    expect(issues).toEqual([
      'blocked.patterns.0: a valid regular expression',
      'limits.email: Too small: expected number to be >=1',
      'limits.phone: Too small: expected number to be >=1',
      'priority.1: "emial" is not a type Tessera knows: did you mean "email"?',
      'priority.3: "user" is listed twice: each type once',
    ]);
  });
});
