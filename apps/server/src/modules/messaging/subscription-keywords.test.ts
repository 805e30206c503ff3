import { describe, expect, it } from 'vitest';
import { subscriptionKeyword } from './subscription-keywords.js';

describe('subscriptionKeyword', () => {
  it('reads STOP and START written alone, in any case, accents and punctuation', () => {
    for (const text of ['STOP', 'stop.', ' Stop ', 'ARRÊT', 'Arrêt !', 'pa anvoy mesaz', 'Unsubscribe', 'stop svp'])
      expect(subscriptionKeyword(text), text).toBe('stop');
    for (const text of ['START', 'start!', 'Reprendre', 'komanse'])
      expect(subscriptionKeyword(text), text).toBe('start');
  });

  it('leaves STOP inside a sentence alone', () => {
    for (const text of ["the bleeding won't stop", 'stop by tomorrow', 'Can I start my treatment?', 'arrêt de bus', ''])
      expect(subscriptionKeyword(text), text).toBeNull();
  });
});
