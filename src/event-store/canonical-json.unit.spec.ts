import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { chainHash } from './chain.js';
import { canonicalJson } from './canonical-json.js';
import { Prng } from '../demo/prng.js';

/** The first implementation, verbatim: every chain written so far was hashed over its bytes. */
function firstCanonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON cannot hold a non-finite number');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : firstCanonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${firstCanonicalJson(obj[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}

const event = {
  type: 'CalculationMade',
  schemaVersion: 2,
  data: {
    month: '2026-12',
    norm: { adults: 2, children: [{ age: 7, amountOre: 312_000 }] },
    costs: [{ kind: 'rent', amountOre: 850_000, note: 'Hyra "inkl." el\u00e5tgång\n' }],
    total: -0,
    ratio: 0.1,
    big: 1e21,
    small: 5e-7,
    flags: [true, false, null],
    'ä-key': 'åäö 😀',
    '\u0001': 'ctl',
    empty: {},
    none: [],
    skip: undefined,
  },
  metadata: { actor: 'hl-anna', role: 'handlaggare', correlationId: 'c-1', causationId: null, idempotencyKey: 'k', recordedAt: '2026-11-23T10:00:00.000Z', requestHash: null },
};

/** Seeded, so a failure is reproducible: the demo kommun's PRNG. */
function prng(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.float();
}

const ALPHABET = ['a', 'Z', '0', '_', '-', ' ', '"', '\\', '\n', '\t', '\u0000', '\u001f', 'å', 'Ö', '€', '😀', '\ud800', '/', '<', '\u2028'];

function randomValue(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 5 : 8));
  const str = () => Array.from({ length: Math.floor(r() * 8) }, () => ALPHABET[Math.floor(r() * ALPHABET.length)]).join('');
  switch (pick) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2: {
      const numbers = [0, -0, 1, -1, 0.1, 1 / 3, 1e21, 1e-7, 123456789012345, 2 ** 53, -522_000, Math.floor(r() * 1e9) / 100];
      return numbers[Math.floor(r() * numbers.length)];
    }
    case 3:
    case 4:
      return str();
    case 5:
    case 6: {
      const obj: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 6); i > 0; i--) obj[r() < 0.2 ? String(Math.floor(r() * 20)) : str()] = r() < 0.1 ? undefined : randomValue(r, depth + 1);
      return obj;
    }
    default:
      return Array.from({ length: Math.floor(r() * 5) }, () => (r() < 0.1 ? undefined : randomValue(r, depth + 1)));
  }
}

describe('canonical JSON, the bytes every chain hash covers', () => {
  it('gives the pinned bytes and hashes for an event like the ones stored', () => {
    expect(canonicalJson(event.data)).toBe(
      '{"\\u0001":"ctl","big":1e+21,"costs":[{"amountOre":850000,"kind":"rent","note":"Hyra \\"inkl.\\" elåtgång\\n"}],"empty":{},"flags":[true,false,null],"month":"2026-12","none":[],"norm":{"adults":2,"children":[{"age":7,"amountOre":312000}]},"ratio":0.1,"small":5e-7,"total":0,"ä-key":"åäö 😀"}',
    );
    expect(chainHash(event, null)).toBe('833be04dabfa74020093835af2bd1b6968ce34ef9e9f261b33f845f6ff524bdb');
    expect(chainHash(event, 'ab'.repeat(32))).toBe('53d8cf92356f4e33805cd574bc3111c5dcbd101e62b21bbd0792d5c092350a54');
  });

  it('gives exactly the bytes of the first implementation for 5 000 varied values', () => {
    const r = prng(20261123);
    for (let i = 0; i < 5000; i++) {
      const value = randomValue(r, 0);
      expect(canonicalJson(value)).toBe(firstCanonicalJson(value));
    }
  });

  it('is the same whatever the key order, and what it gives parses back to the value as stored', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    const r = prng(7);
    for (let i = 0; i < 500; i++) {
      const value = randomValue(r, 0);
      const stored = JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
      expect(canonicalJson(stored)).toBe(canonicalJson(JSON.parse(canonicalJson(value))));
    }
  });

  it('refuses what JSON cannot hold exactly', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
  });
});

describe('the chain hash', () => {
  it('is the SHA-256 of the canonical JSON of the event and its link, whatever the form of the event', () => {
    const r = prng(11);
    for (let i = 0; i < 300; i++) {
      const e = { type: `T${i}`, schemaVersion: 1 + (i % 3), data: randomValue(r, 1), metadata: { actor: 'a', role: 'r', correlationId: String(i), causationId: null, idempotencyKey: null, recordedAt: 'x' } };
      const prev = i % 2 ? null : 'cd'.repeat(32);
      const expected = createHash('sha256').update(firstCanonicalJson({ type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata, prevHash: prev })).digest('hex');
      expect(chainHash(e, prev)).toBe(expected);
    }
  });
});
