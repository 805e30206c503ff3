import { describe, expect, it } from 'vitest';
import { bookingRefusal } from './patient-bookable';

describe('who can be booked', () => {
  it('refuses archived and deceased patients with the codes the server answers', () => {
    expect(bookingRefusal({ status: 'active' })).toBeUndefined();
    expect(bookingRefusal({ status: 'archived' })).toBe('patient_archived');
    expect(bookingRefusal({ status: 'deceased' })).toBe('patient_deceased');
    // A summary without a status (older answers) is left to the server.
    expect(bookingRefusal({})).toBeUndefined();
  });
});
