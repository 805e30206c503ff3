import { describe, expect, it } from 'vitest';
import { missingParameters, templateParts, templateValues } from './template-body';

describe('templateParts', () => {
  it('fills positional parameters and keeps the text around them', () => {
    expect(templateParts('Hello {{1}}, see you on {{2}}.', { 1: 'Aisha', 2: 'Tue 1 Dec' })).toEqual([
      { text: 'Hello ' },
      { parameter: '1', value: 'Aisha' },
      { text: ', see you on ' },
      { parameter: '2', value: 'Tue 1 Dec' },
      { text: '.' },
    ]);
  });

  it('marks empty and missing named parameters as gaps', () => {
    expect(templateParts('{{ first_name }} at {{time}}', { first_name: '  ' })).toEqual([
      { parameter: 'first_name', value: null },
      { text: ' at ' },
      { parameter: 'time', value: null },
    ]);
  });

  it('returns a body without parameters as one piece of text', () => {
    expect(templateParts('No parameters here', {})).toEqual([{ text: 'No parameters here' }]);
  });
});

describe('missingParameters and templateValues', () => {
  const parameters = [{ name: '1' }, { name: '2' }];
  it('lists the empty ones in order', () => {
    expect(missingParameters(parameters, { 2: 'x', 1: ' ' })).toEqual(['1']);
  });
  it('sends only the declared parameters, trimmed', () => {
    expect(templateValues(parameters, { 1: ' a ', 2: 'b', 3: 'left over' })).toEqual({ 1: 'a', 2: 'b' });
  });
});
