import { describe, expect, it } from 'vitest';
import { readTime } from './when.js';

// Sunday 6 December 2026, 10:00 in Mauritius (UTC+4 all year).
const AT = new Date('2026-12-06T06:00:00Z');
const MU = 'Indian/Mauritius';
/** A Mauritian wall-clock time as an instant, computed apart from the code under test. */
const mu = (date: string, time: string) => new Date(`${date}T${time === '24:00' ? '00:00' : time}:00+04:00`);
const muSpan = (fromDate: string, fromTime: string, toDate: string, toTime: string) => ({
  from: mu(fromDate, fromTime),
  to: mu(toDate, toTime),
});
const wholeDay = (date: string, next: string) => muSpan(date, '00:00', next, '00:00');
const read = (text: string, at = AT, timeZone = MU) => readTime(text, { at, timeZone });
const REST_OF_TODAY = muSpan('2026-12-06', '10:00', '2026-12-07', '00:00');

describe('readTime', () => {
  it('reads the examples of the brief', () => {
    expect(read('mardi')).toEqual(wholeDay('2026-12-08', '2026-12-09'));
    expect(read('Mo anvi pran randevou zedi gramatin')).toEqual(muSpan('2026-12-10', '08:00', '2026-12-10', '12:00'));
    expect(read('Ki ler zot ouver samdi?')).toEqual(wholeDay('2026-12-12', '2026-12-13'));
    expect(read('Bonjour, je voudrais un rendez-vous pour un détartrage la semaine prochaine')).toEqual(
      wholeDay('2026-12-07', '2026-12-14'),
    );
  });

  describe('weeks and months', () => {
    it('reads next week as next Monday to the Monday after (on a Sunday, from the next day)', () => {
      for (const text of ['next week', 'la semaine prochaine', 'semaine pro', 'semenn prosenn', 'lasemenn prosenn']) {
        expect([text, read(text)]).toEqual([text, wholeDay('2026-12-07', '2026-12-14')]);
      }
      const wednesday = new Date('2026-12-09T06:00:00Z');
      expect(read('next week', wednesday)).toEqual(wholeDay('2026-12-14', '2026-12-21'));
    });

    it('reads this week as now to next Monday', () => {
      for (const text of ['this week', 'cette semaine', 'sa semenn-la', 'sa semenn la']) {
        expect([text, read(text)]).toEqual([text, REST_OF_TODAY]);
      }
      const tuesday = new Date('2026-12-08T06:00:00Z');
      expect(read('this week', tuesday)).toEqual(muSpan('2026-12-08', '10:00', '2026-12-14', '00:00'));
    });

    it('reads a weekday of next week as that day', () => {
      expect(read('mardi de la semaine prochaine', new Date('2026-12-09T06:00:00Z'))).toEqual(
        wholeDay('2026-12-15', '2026-12-16'),
      );
    });

    it('reads next month and a month alone', () => {
      expect(read('mwa prosenn')).toEqual(wholeDay('2027-01-01', '2027-02-01'));
      expect(read('le mois prochain')).toEqual(wholeDay('2027-01-01', '2027-02-01'));
      expect(read('en janvier')).toEqual(wholeDay('2027-01-01', '2027-02-01'));
      expect(read('in March')).toEqual(wholeDay('2027-03-01', '2027-04-01'));
      expect(read('en décembre')).toEqual(muSpan('2026-12-06', '10:00', '2027-01-01', '00:00'));
    });
  });

  describe('days', () => {
    it('reads today, tomorrow and the day after in three languages', () => {
      for (const text of ['today', "aujourd'hui", 'aujourd’hui', 'aujourdhui', 'zordi', 'zordie']) {
        expect([text, read(text)]).toEqual([text, REST_OF_TODAY]);
      }
      for (const text of ['tomorrow', 'tmrw', '2moro', 'demain', 'demin', 'dimin']) {
        expect([text, read(text)]).toEqual([text, wholeDay('2026-12-07', '2026-12-08')]);
      }
      for (const text of ['après-demain', 'apres demain', 'apre-demin', 'apredemin', 'day after tomorrow']) {
        expect([text, read(text)]).toEqual([text, wholeDay('2026-12-08', '2026-12-09')]);
      }
    });

    it('reads Creole and French weekdays in their usual spellings', () => {
      const expected: [string[], string][] = [
        [['lindi', 'lundi', 'monday'], '2026-12-07'],
        [['mardi', 'tuesday'], '2026-12-08'],
        [['merkredi', 'mercredi', 'wednesday'], '2026-12-09'],
        [['zedi', 'zeudi', 'jeudi', 'thursday'], '2026-12-10'],
        [['vandredi', 'vendredi', 'friday'], '2026-12-11'],
        [['samdi', 'samedi', 'saturday'], '2026-12-12'],
      ];
      for (const [texts, date] of expected) {
        for (const text of texts) {
          const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
          expect([text, read(text)]).toEqual([text, wholeDay(date, next)]);
        }
      }
    });

    it("reads today's weekday as the rest of today, and next week's once today's hours are gone", () => {
      for (const text of ['dimans', 'dimanche', 'sunday']) expect([text, read(text)]).toEqual([text, REST_OF_TODAY]);
      const sundayAfternoon = new Date('2026-12-06T09:00:00Z');
      expect(read('dimanche matin', sundayAfternoon)).toEqual(muSpan('2026-12-13', '08:00', '2026-12-13', '12:00'));
      expect(read('next sunday')).toEqual(wholeDay('2026-12-13', '2026-12-14'));
    });

    it('never reads a weekday in the past: "Monday" on a Tuesday is next Monday', () => {
      const tuesday = new Date('2026-12-08T06:00:00Z');
      expect(read('Monday', tuesday)).toEqual(wholeDay('2026-12-14', '2026-12-15'));
      expect(read('lindi', tuesday)).toEqual(wholeDay('2026-12-14', '2026-12-15'));
    });

    it('reads calendar dates through chrono, day first', () => {
      expect(read('in 3 days')).toEqual(wholeDay('2026-12-09', '2026-12-10'));
      expect(read('dans 3 jours')).toEqual(wholeDay('2026-12-09', '2026-12-10'));
      expect(read('le 8 décembre')).toEqual(wholeDay('2026-12-08', '2026-12-09'));
      expect(read('le 8 decembre')).toEqual(wholeDay('2026-12-08', '2026-12-09'));
      expect(read('8/12')).toEqual(wholeDay('2026-12-08', '2026-12-09'));
      expect(read('December 8')).toEqual(wholeDay('2026-12-08', '2026-12-09'));
      expect(read('Dec 15')).toEqual(wholeDay('2026-12-15', '2026-12-16'));
      expect(read('le 15')).toEqual(wholeDay('2026-12-15', '2026-12-16'));
      expect(read('on the 15th')).toEqual(wholeDay('2026-12-15', '2026-12-16'));
      expect(read('5 janvier')).toEqual(wholeDay('2027-01-05', '2027-01-06'));
    });

    it('moves a date already gone this year to next year, and refuses the past', () => {
      expect(read('le 2 décembre')).toEqual(wholeDay('2027-12-02', '2027-12-03'));
      expect(read('hier')).toBeNull();
      expect(read('yesterday')).toBeNull();
      expect(read('3/12/2025')).toBeNull();
    });

    it('spans several days from the first to the end of the last, or takes the last one when asked', () => {
      expect(read('lundi ou mardi')).toEqual(wholeDay('2026-12-07', '2026-12-09'));
      expect(read('Monday or Tuesday evening')).toEqual(muSpan('2026-12-07', '17:00', '2026-12-08', '20:00'));
      expect(readTime('from Tuesday to Thursday', { at: AT, timeZone: MU, lastDayOnly: true })).toEqual(
        wholeDay('2026-12-10', '2026-12-11'),
      );
    });
  });

  describe('parts of the day and clock times', () => {
    it('reads parts of the day', () => {
      expect(read('demain matin')).toEqual(muSpan('2026-12-07', '08:00', '2026-12-07', '12:00'));
      expect(read('tomorrow afternoon')).toEqual(muSpan('2026-12-07', '12:00', '2026-12-07', '17:00'));
      expect(read('demin apremidi')).toEqual(muSpan('2026-12-07', '12:00', '2026-12-07', '17:00'));
      expect(read('demin apre-midi')).toEqual(muSpan('2026-12-07', '12:00', '2026-12-07', '17:00'));
      expect(read('demain soir')).toEqual(muSpan('2026-12-07', '17:00', '2026-12-07', '20:00'));
      expect(read('aswar')).toEqual(muSpan('2026-12-06', '17:00', '2026-12-06', '20:00'));
      expect(read('ce soir')).toEqual(muSpan('2026-12-06', '17:00', '2026-12-06', '20:00'));
      expect(read('demain midi')).toEqual(muSpan('2026-12-07', '12:00', '2026-12-07', '13:00'));
      expect(read('en fin de matinée demain')).toEqual(muSpan('2026-12-07', '10:30', '2026-12-07', '12:00'));
      expect(read('lindi gramatin bonner')).toEqual(muSpan('2026-12-07', '08:00', '2026-12-07', '10:00'));
    });

    it('reads a part of today already over as tomorrow', () => {
      const afternoon = new Date('2026-12-06T10:00:00Z');
      expect(read('this morning', afternoon)).toEqual(muSpan('2026-12-07', '08:00', '2026-12-07', '12:00'));
      expect(read('ce matin')).toEqual(muSpan('2026-12-06', '10:00', '2026-12-06', '12:00'));
    });

    it('reads an exact time as an hour starting then', () => {
      expect(read('mardi 10h30')).toEqual(muSpan('2026-12-08', '10:30', '2026-12-08', '11:30'));
      expect(read('tuesday at 3pm')).toEqual(muSpan('2026-12-08', '15:00', '2026-12-08', '16:00'));
      expect(read('demain 15h')).toEqual(muSpan('2026-12-07', '15:00', '2026-12-07', '16:00'));
      expect(read('demain à 9h')).toEqual(muSpan('2026-12-07', '09:00', '2026-12-07', '10:00'));
      expect(read('vandredi 2er')).toEqual(muSpan('2026-12-11', '14:00', '2026-12-11', '15:00'));
      expect(read('at 3 tomorrow')).toEqual(muSpan('2026-12-07', '15:00', '2026-12-07', '16:00'));
      expect(read('demain 3h de l’après-midi')).toEqual(muSpan('2026-12-07', '15:00', '2026-12-07', '16:00'));
    });

    it('reads bounds and approximations around a time', () => {
      expect(read('entre 10h et 12h demain')).toEqual(muSpan('2026-12-07', '10:00', '2026-12-07', '12:00'));
      expect(read('vers 10h mardi')).toEqual(muSpan('2026-12-08', '09:00', '2026-12-08', '11:00'));
      expect(read('after 3pm tomorrow')).toEqual(muSpan('2026-12-07', '15:00', '2026-12-08', '00:00'));
      expect(read('tmrw after 4')).toEqual(muSpan('2026-12-07', '16:00', '2026-12-08', '00:00'));
      expect(read('avant 10h demain')).toEqual(muSpan('2026-12-07', '00:00', '2026-12-07', '10:00'));
      expect(read('demain matin avant 10h')).toEqual(muSpan('2026-12-07', '08:00', '2026-12-07', '10:00'));
    });

    it('reads a time alone as today, or tomorrow once it has passed', () => {
      expect(read('15h')).toEqual(muSpan('2026-12-06', '15:00', '2026-12-06', '16:00'));
      expect(read('9h')).toEqual(muSpan('2026-12-07', '09:00', '2026-12-07', '10:00'));
      expect(read("aujourd'hui 9h")).toEqual(REST_OF_TODAY);
    });
  });

  it('leaves texts that name no time', () => {
    for (const text of [
      'hello',
      'Good morning',
      'bonne soirée',
      'I have 2 kids',
      'hw much 4 a filling?',
      'il a 2 caries',
      'call me on 5 712 3456',
      '',
      '🦷👍',
    ]) {
      expect([text, read(text)]).toEqual([text, null]);
    }
  });

  it('does not take a greeting for a part of the day', () => {
    expect(read('Good morning, can I come on Tuesday?')).toEqual(wholeDay('2026-12-08', '2026-12-09'));
  });

  describe('other zones', () => {
    it('counts days in the zone given, across a daylight saving change', () => {
      // Saturday 28 March 2026, 11:00 in Paris; the clocks go forward on the night to Sunday.
      const paris = new Date('2026-03-28T10:00:00Z');
      expect(read('demain', paris, 'Europe/Paris')).toEqual({
        from: new Date('2026-03-29T00:00:00+01:00'),
        to: new Date('2026-03-30T00:00:00+02:00'),
      });
      expect(read('demain 15h', paris, 'Europe/Paris')).toEqual({
        from: new Date('2026-03-29T15:00:00+02:00'),
        to: new Date('2026-03-29T16:00:00+02:00'),
      });
    });

    it('counts days from the local date, not the UTC one', () => {
      // 06:00 UTC is already 20:00 on Sunday on Kiritimati (UTC+14) and still Saturday 20:00 in Honolulu.
      expect(read('tomorrow', AT, 'Pacific/Kiritimati')).toEqual({
        from: new Date('2026-12-07T00:00:00+14:00'),
        to: new Date('2026-12-08T00:00:00+14:00'),
      });
      expect(read('tomorrow', AT, 'Pacific/Honolulu')).toEqual({
        from: new Date('2026-12-06T00:00:00-10:00'),
        to: new Date('2026-12-07T00:00:00-10:00'),
      });
      expect(read('next week', AT, 'Pacific/Honolulu')).toEqual({
        from: new Date('2026-12-07T00:00:00-10:00'),
        to: new Date('2026-12-14T00:00:00-10:00'),
      });
    });
  });
});
