import { NOTIFICATION_KINDS } from '@dentalpro/contracts';
import { describe, expect, it } from 'vitest';
import { type Member, recipientsOf } from './recipients.js';

const members: Member[] = [
  { userId: 'owner', role: 'owner' },
  { userId: 'desk', role: 'receptionist' },
  { userId: 'dr-a', role: 'dentist' },
  { userId: 'dr-b', role: 'dentist' },
  { userId: 'hyg', role: 'hygienist' },
];

describe('recipientsOf', () => {
  it("sends a patient's WhatsApp change to the desk and the appointment's provider, not the other dentists", () => {
    for (const kind of ['whatsapp_booked', 'whatsapp_moved', 'whatsapp_cancelled'] as const) {
      expect(recipientsOf(kind, members, ['dr-a']).sort()).toEqual(['desk', 'dr-a', 'owner']);
      expect(recipientsOf(kind, members, ['hyg']).sort()).toEqual(['desk', 'hyg', 'owner']);
    }
  });

  it('sends a move to the provider before and after it', () => {
    expect(recipientsOf('whatsapp_moved', members, ['dr-a', 'dr-b']).sort()).toEqual(['desk', 'dr-a', 'dr-b', 'owner']);
  });

  it('names an owner who is the provider once, and a provider who left the practice not at all', () => {
    expect(recipientsOf('whatsapp_booked', members, ['owner', 'gone'])).toEqual(['owner', 'desk']);
  });

  it('sends a chat needing a person to everyone who may read the inbox', () => {
    expect(recipientsOf('needs_person', members).sort()).toEqual(['desk', 'dr-a', 'dr-b', 'hyg', 'owner']);
  });

  it("sends a privacy request's alert to the owner and the desk, never to the clinicians, whatever the providers", () => {
    for (const kind of ['privacy_request_due_soon', 'privacy_request_overdue'] as const)
      expect(recipientsOf(kind, members, ['dr-a']).sort()).toEqual(['desk', 'owner']);
  });

  it("sends a dentist's daily agenda to that dentist alone, and to nobody who left the practice", () => {
    expect(recipientsOf('daily_agenda', members, ['dr-a'])).toEqual(['dr-a']);
    expect(recipientsOf('daily_agenda', members, ['gone'])).toEqual([]);
  });

  it('knows every kind', () => {
    for (const kind of NOTIFICATION_KINDS) expect(recipientsOf(kind, members, ['dr-a']).length).toBeGreaterThan(0);
  });
});
