import type { Language } from './assistant.types.js';

/**
 * Amounts of money as patients read them. Amounts are integer minor units (cents); rupees are
 * written "Rs 1,500" in English and Creole and "1 500 Rs" in French, other currencies by their code.
 */
export function sayMoney(amountMinor: number, currency: string, language: Language): string {
  const symbol = currency === 'MUR' ? 'Rs' : currency;
  if (language === 'fr') return `${groupDigits(amountMinor, { thousands: ' ', decimal: ',' })} ${symbol}`;
  return `${symbol} ${groupDigits(amountMinor, { thousands: ',', decimal: '.' })}`;
}

/** Digits grouped by threes; two decimals only when there are cents. */
function groupDigits(amountMinor: number, separators: { thousands: string; decimal: string }): string {
  const cents = Math.abs(Math.round(amountMinor));
  const whole = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, separators.thousands);
  const rest = cents % 100;
  const text = rest === 0 ? whole : `${whole}${separators.decimal}${String(rest).padStart(2, '0')}`;
  return amountMinor < 0 ? `-${text}` : text;
}
