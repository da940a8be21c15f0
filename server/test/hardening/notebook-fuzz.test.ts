import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outlineNotebook } from '../../src/contract/notebook.js';
import { DofcError } from '../../src/jobs/errors.js';
import { validateSubmission } from '../../src/jobs/validate-submission.js';
import { postJson, startTestService, type TestService } from '../support/service.js';
import { storeKindUnderTest } from '../support/test-store.js';

const CAPACITY = { cores: 8, memGb: 32 };

const cell = fc.oneof(
  fc.record({ cell_type: fc.constantFrom('code', 'markdown', 'raw'), source: fc.oneof(fc.string(), fc.array(fc.string())), metadata: fc.constant({}) }),
  fc.jsonValue(),
);

/** Notebook-like JSON: sometimes valid, often with a wrong type, a missing key or a stray value. */
const notebookLike = fc.oneof(
  fc.record({ nbformat: fc.constantFrom(4, 5), nbformat_minor: fc.nat(10), metadata: fc.constant({}), cells: fc.array(cell, { maxLength: 6 }) }),
  fc.record({ nbformat: fc.constant(3), worksheets: fc.array(fc.oneof(fc.record({ cells: fc.array(cell, { maxLength: 4 }) }), fc.jsonValue()), { maxLength: 3 }) }),
  fc.record({ nbformat: fc.oneof(fc.jsonValue(), fc.double()), cells: fc.jsonValue(), worksheets: fc.jsonValue() }, { requiredKeys: [] }),
  fc.jsonValue(),
);

/** Text that is JSON of a notebook-like value, or that value's JSON cut or corrupted. */
const notebookText = fc.oneof(
  notebookLike.map((value) => JSON.stringify(value) ?? 'null'),
  fc.tuple(notebookLike, fc.nat()).map(([value, cut]) => {
    const text = JSON.stringify(value) ?? '';
    return text.slice(0, cut % (text.length + 1));
  }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

describe('notebook parser fuzzing', () => {
  it('returns an outline or a problem for any text', () => {
    fc.assert(
      fc.property(notebookText, (text) => {
        const outline = outlineNotebook(text);
        if ('problem' in outline) {
          expect(typeof outline.problem).toBe('string');
          expect(outline.problem.length).toBeGreaterThan(0);
        } else {
          expect(Number.isInteger(outline.codeCells)).toBe(true);
          expect(outline.codeCells).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes control characters in the message', () => {
    const outline = outlineNotebook('\u0000\n');
    const problem = 'problem' in outline ? outline.problem : '';

    expect(problem).toMatch(/^it is not JSON \(.*\\u0000.*\)$/);
    expect(problem).not.toMatch(/[\u0000-\u001f]/);
  });

  it('accepts only cells that are objects with a cell_type', () => {
    fc.assert(
      fc.property(notebookText, (text) => {
        const outline = outlineNotebook(text);
        if ('problem' in outline || outline.nbformat < 4) return;
        const cells = (JSON.parse(text) as { cells: unknown[] }).cells;
        for (const item of cells) {
          expect(item).toBeTypeOf('object');
          expect(item).not.toBeNull();
          expect(Array.isArray(item)).toBe(false);
          expect(typeof (item as { cell_type: unknown }).cell_type).toBe('string');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects a malformed submission only with a DofcError', async () => {
    await fc.assert(
      fc.asyncProperty(notebookText, fc.constantFrom('notebook', 'cell', 'script'), async (content, kind) => {
        try {
          await validateSubmission({ owner: 'ana', source: { kind, content } }, CAPACITY);
        } catch (error) {
          expect(error).toBeInstanceOf(DofcError);
          expect((error as DofcError).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe(`malformed notebooks over HTTP on ${storeKindUnderTest()}`, () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ submitRateLimit: { perMinute: 100_000, burst: 100_000 } });
  });
  afterAll(async () => {
    await service.stopAndDrop();
  });

  it('answers 4xx with a message, never 5xx', async () => {
    const malformed = notebookText.filter((text) => 'problem' in outlineNotebook(text));
    await fc.assert(
      fc.asyncProperty(malformed, async (content) => {
        const response = await postJson(service.url, '/jobs', { owner: 'ana', source: { kind: 'notebook', content } });
        expect(response.status).toBe(400);
        const body = (await response.json()) as { error: string; message: string; field: string };
        expect(body.error).toBe('not_a_notebook');
        expect(body.field).toBe('source.content');
        expect(body.message).toMatch(/^source is not a Jupyter notebook: .+\. Submit an \.ipynb file/);
      }),
      { numRuns: 60 },
    );
  });
});
