import type { AppointmentStatus } from '@dentalpro/contracts';

/**
 * The day of an appointment: booked → confirmed → arrived → in chair → completed, or it ends
 * cancelled or as a no-show. One step back is allowed where the front desk clicks too fast
 * (confirmed → booked, arrived → confirmed). A hold becomes booked only by confirming it.
 */
const NEXT: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  held: ['cancelled'],
  booked: ['confirmed', 'arrived', 'in_chair', 'cancelled', 'no_show'],
  confirmed: ['booked', 'arrived', 'in_chair', 'cancelled', 'no_show'],
  arrived: ['confirmed', 'in_chair', 'completed', 'cancelled'],
  in_chair: ['completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};

export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return NEXT[from].includes(to);
}

/** Statuses that hold provider and chair: everything but cancelled and no-show (as the exclusion constraints say). */
export const ACTIVE_STATUSES: readonly AppointmentStatus[] = [
  'held',
  'booked',
  'confirmed',
  'arrived',
  'in_chair',
  'completed',
];

/** An appointment can be moved until the patient has arrived. */
export const MOVABLE_STATUSES: readonly AppointmentStatus[] = ['booked', 'confirmed'];
