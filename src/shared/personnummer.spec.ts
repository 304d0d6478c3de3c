import { describe, it, expect } from '@jest/globals';
import { parsePersonnummer } from './personnummer.js';

const today = '2026-11-23';

describe('personnummer and samordningsnummer', () => {
  it("accepts Skatteverket's example 811218-9876 in all four forms and normalises to 12 digits", () => {
    for (const input of ['19811218-9876', '198112189876', '811218-9876']) {
      expect(parsePersonnummer(input, today)).toEqual({
        ok: true,
        normalized: '198112189876',
        birthDate: '1981-12-18',
        kind: 'personnummer',
      });
    }
  });

  it("reads '+' as a person aged 100 or more", () => {
    expect(parsePersonnummer('811218+9876', today)).toMatchObject({ ok: true, normalized: '188112189876', birthDate: '1881-12-18' });
  });

  it("accepts Skatteverket's samordningsnummer example 701063-2391 (born 3 October 1970)", () => {
    expect(parsePersonnummer('701063-2391', today)).toEqual({
      ok: true,
      normalized: '197010632391',
      birthDate: '1970-10-03',
      kind: 'samordningsnummer',
    });
  });

  it('rejects a wrong check digit', () => {
    expect(parsePersonnummer('19811218-9877')).toEqual({ ok: false, reason: 'bad checksum (Luhn)' });
  });

  it('rejects 30 February even with a correct check digit', () => {
    expect(parsePersonnummer('20260230-1232')).toEqual({ ok: false, reason: 'no such date' });
    expect(parsePersonnummer('701092-2396', today)).toEqual({ ok: false, reason: 'no such date' });
  });

  it('accepts a leap day', () => {
    expect(parsePersonnummer('20000229-1235')).toMatchObject({ ok: true, birthDate: '2000-02-29' });
  });

  it('resolves the century of a short form from the reference date, never from today', () => {
    expect(parsePersonnummer('261201-1235', '2026-03-01')).toMatchObject({ ok: true, normalized: '192612011235' });
    expect(parsePersonnummer('260201-1237', '2026-03-01')).toMatchObject({ ok: true, normalized: '202602011237' });
  });

  it('explains what is wrong with other input', () => {
    expect(parsePersonnummer('811218-9876')).toEqual({ ok: false, reason: 'short form needs a reference date to resolve the century' });
    expect(parsePersonnummer('abc', today)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unrecognised format/) });
    expect(parsePersonnummer('811218-0008', today)).toEqual({ ok: false, reason: 'birth number 000 is not used' });
  });
});
