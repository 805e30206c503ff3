import { describe, expect, it } from 'vitest';
import {
  checkTemplateParameters,
  definitionFromGraph,
  graphTemplateObject,
  renderTemplateBody,
} from './template-parameters.js';
import { SANDBOX_TEMPLATES } from './templates.catalog.js';

const template = (name: string, language = 'en') =>
  definitionFromGraph(SANDBOX_TEMPLATES.find((t) => t.name === name && t.language === language)!);

describe('definitionFromGraph', () => {
  it('reads a named template: parameters in order of appearance, examples, quick replies', () => {
    const reminder = template('appointment_reminder');
    expect(reminder).toMatchObject({
      name: 'appointment_reminder',
      language: 'en',
      category: 'UTILITY',
      status: 'APPROVED',
      parameterFormat: 'named',
      quickReplies: ['Confirm', 'Reschedule', 'Cancel'],
    });
    expect(reminder.parameters).toEqual([
      { name: 'patient_name', example: 'Aisha' },
      { name: 'practice_name', example: 'Demo Dental Clinic' },
      { name: 'date', example: 'Tuesday 1 December' },
      { name: 'time', example: '09:30' },
    ]);
  });

  it('reads a positional template as "1".."n", sorted, with their examples', () => {
    const booking = template('booking_confirmation', 'fr');
    expect(booking.parameterFormat).toBe('positional');
    expect(booking.parameters.map((p) => p.name)).toEqual(['1', '2', '3', '4', '5']);
    expect(booking.parameters[1]).toEqual({ name: '2', example: 'check-up' });
    expect(booking.quickReplies).toEqual([]);
  });

  it('counts a placeholder used twice once, and accepts Meta’s upper- or lower-case component types', () => {
    const d = definitionFromGraph({
      name: 'x',
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      components: [{ type: 'body', text: 'Hi {{1}}, {{2}} and again {{1}}' }],
    });
    expect(d.parameters.map((p) => p.name)).toEqual(['1', '2']);
    expect(d.parameterFormat).toBe('positional');
  });

  it('a template without body parameters has none', () => {
    const d = definitionFromGraph({
      name: 'hello',
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hello!' }],
    });
    expect(d.parameters).toEqual([]);
    expect(graphTemplateObject(d, {})).toEqual({ name: 'hello', language: { code: 'en' } });
  });
});

describe('checkTemplateParameters: Meta’s rules, checked before Meta sees them', () => {
  const reminder = template('appointment_reminder');
  const good = { patient_name: 'Aisha', practice_name: 'Smile', date: 'Tuesday 1 December', time: '09:30' };

  it('accepts every declared parameter, exactly', () => {
    expect(checkTemplateParameters(reminder, good)).toEqual([]);
  });

  it('names a missing or blank parameter', () => {
    const { time: _time, ...missing } = good;
    expect(checkTemplateParameters(reminder, missing)).toEqual([
      { path: 'parameters.time', code: 'required', message: expect.stringContaining('required') },
    ]);
    expect(checkTemplateParameters(reminder, { ...good, date: '   ' })).toEqual([
      { path: 'parameters.date', code: 'required', message: expect.stringContaining('required') },
    ]);
  });

  it('refuses a parameter the template does not have', () => {
    expect(checkTemplateParameters(reminder, { ...good, doctor: 'Dr Li' })).toEqual([
      { path: 'parameters.doctor', code: 'unrecognized_keys', message: expect.any(String) },
    ]);
  });

  it('refuses line breaks, tabs and more than four spaces in a row', () => {
    expect(checkTemplateParameters(reminder, { ...good, patient_name: 'Aisha\nRamjaun' })).toEqual([
      { path: 'parameters.patient_name', code: 'invalid_format', message: expect.stringContaining('line breaks') },
    ]);
    expect(checkTemplateParameters(reminder, { ...good, patient_name: 'Aisha\tR' })).toHaveLength(1);
    expect(checkTemplateParameters(reminder, { ...good, time: '09:30     sharp' })).toEqual([
      { path: 'parameters.time', code: 'invalid_format', message: expect.stringContaining('four spaces') },
    ]);
    expect(checkTemplateParameters(reminder, { ...good, time: '09:30    sharp' })).toEqual([]);
  });

  it('reports every problem at once', () => {
    const errors = checkTemplateParameters(template('booking_confirmation'), { '1': 'Aisha', '2': 'a\nb', '9': 'x' });
    expect(errors.map((e) => e.path).sort()).toEqual([
      'parameters.2',
      'parameters.3',
      'parameters.4',
      'parameters.5',
      'parameters.9',
    ]);
  });
});

describe('the Graph API template object', () => {
  it('named: body parameters carry parameter_name; quick replies get payload buttons by index', () => {
    const reminder = template('appointment_reminder', 'fr');
    const values = { patient_name: 'Hélène', practice_name: 'Smile', date: 'mardi 1 décembre', time: '09:30' };
    expect(graphTemplateObject(reminder, values)).toEqual({
      name: 'appointment_reminder',
      language: { code: 'fr' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'patient_name', text: 'Hélène' },
            { type: 'text', parameter_name: 'practice_name', text: 'Smile' },
            { type: 'text', parameter_name: 'date', text: 'mardi 1 décembre' },
            { type: 'text', parameter_name: 'time', text: '09:30' },
          ],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: 'appointment_reminder:0' }],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '1',
          parameters: [{ type: 'payload', payload: 'appointment_reminder:1' }],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '2',
          parameters: [{ type: 'payload', payload: 'appointment_reminder:2' }],
        },
      ],
    });
    expect(renderTemplateBody(reminder, values)).toBe(
      'Bonjour Hélène, nous vous rappelons votre rendez-vous chez Smile le mardi 1 décembre à 09:30.',
    );
  });

  it('positional: body parameters in order, without names', () => {
    const booking = template('booking_confirmation');
    const values = { '1': 'Aisha', '2': 'check-up', '3': 'Smile', '4': 'Tuesday', '5': '10:00' };
    expect(graphTemplateObject(booking, values)).toEqual({
      name: 'booking_confirmation',
      language: { code: 'en' },
      components: [
        {
          type: 'body',
          parameters: ['Aisha', 'check-up', 'Smile', 'Tuesday', '10:00'].map((text) => ({ type: 'text', text })),
        },
      ],
    });
  });
});
