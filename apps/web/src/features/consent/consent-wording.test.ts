import { describe, expect, it } from 'vitest';
import { suggestedWording, wordingLanguageOf } from './consent-wording';

describe('the words read to the patient', () => {
  it('name the practice, what and how, in the patient’s language, and say how to change their mind', () => {
    const grant = suggestedWording({
      practiceName: 'Smile Rose-Hill',
      channel: 'whatsapp',
      purpose: 'recalls',
      granted: true,
      language: 'en',
    });
    expect(grant).toContain('Smile Rose-Hill will send you recalls');
    expect(grant).toContain('on WhatsApp');
    expect(grant).toContain('STOP');
    const withdrawal = suggestedWording({
      practiceName: 'Smile Rose-Hill',
      channel: 'email',
      purpose: 'appointments',
      granted: false,
      language: 'fr',
    });
    expect(withdrawal).toBe(
      'Smile Rose-Hill ne vous enverra plus les rappels et confirmations de vos rendez-vous par e-mail. Vous pouvez nous redonner votre accord à tout moment.',
    );
  });

  it('reads French to a Creole speaker, and the practice’s language when the patient has none', () => {
    expect(wordingLanguageOf('mfe', 'en')).toBe('fr');
    expect(wordingLanguageOf('en', 'fr')).toBe('en');
    expect(wordingLanguageOf(null, 'fr')).toBe('fr');
  });
});
