import { describe, expect, it } from 'vitest';
import { toCorpusDocuments } from './corpus';
import { detectUserTextFormat, parseCsv, parseUserText, UserTextError, type UserTextOptions } from './user-text';

const bytes = (s: string) => new TextEncoder().encode(s);

function errorOf(input: string | Uint8Array, options: UserTextOptions = {}): UserTextError {
  try {
    parseUserText(input, options);
  } catch (e) {
    if (e instanceof UserTextError) return e;
    throw e;
  }
  throw new Error('expected a UserTextError');
}

describe('parseUserText: plain text and markdown', () => {
  it('keeps pasted text as one document, line ends normalised', () => {
    const out = parseUserText('First line.\r\nSecond line.');
    expect(out.format).toBe('text');
    expect(out.documents).toEqual([{ text: 'First line.\nSecond line.', line: 1 }]);
    expect(out.bytes).toBe(25);
  });

  it('decodes UTF-8 bytes and drops a byte-order mark', () => {
    const out = parseUserText(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('Café — ünïcode')]), { fileName: 'a.txt' });
    expect(out.documents[0]?.text).toBe('Café — ünïcode');
  });

  it('strips YAML front matter from markdown', () => {
    const out = parseUserText('---\ntitle: x\n---\n# Heading\n\nBody.', { fileName: 'notes.MD' });
    expect(out.format).toBe('markdown');
    expect(out.documents[0]?.text).toBe('# Heading\n\nBody.');
  });

  it('guesses formats from file names and refuses others with the list of accepted ones', () => {
    expect(detectUserTextFormat('a.jsonl')).toBe('jsonl');
    expect(detectUserTextFormat('dir.v2/b.CSV')).toBe('csv');
    expect(detectUserTextFormat('c.markdown')).toBe('markdown');
    const e = errorOf('x', { fileName: 'model.onnx' });
    expect(e.code).toBe('unsupported-format');
    expect(e.message).toBe(
      'model.onnx: unsupported file type ".onnx". Drop a .txt, .md, .jsonl or .csv file, or paste the text.',
    );
  });
});

describe('parseUserText: refusals', () => {
  it('empty input', () => {
    const e = errorOf('  \n\t ');
    expect(e.code).toBe('empty');
    expect(e.message).toBe('The input is empty. Paste some text or drop a file with text in it.');
    expect(errorOf(new Uint8Array(0), { fileName: 'x.txt' }).message).toMatch(/^x\.txt is empty/);
  });

  it('input whose every entry is blank', () => {
    const e = errorOf('{"text": ""}\n{"text": "  "}\n', { fileName: 'd.jsonl' });
    expect(e.code).toBe('empty');
    expect(e.message).toBe('d.jsonl has no text in it after parsing (every entry is blank).');
    expect(errorOf('text\n""\n', { fileName: 'd.csv' }).message).toMatch(/every cell is blank/);
  });

  it('binary: NUL bytes', () => {
    const e = errorOf(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), { fileName: 'data.txt' });
    expect(e.code).toBe('binary');
    expect(e.message).toBe('data.txt looks binary (it contains NUL bytes). Use a plain-text UTF-8 file.');
    expect(errorOf('abc\0def').message).toBe(
      'The input contains NUL characters, so it is not plain text. Paste or drop text only.',
    );
  });

  it('binary: mostly invalid UTF-8, but one stray byte is tolerated', () => {
    const junk = new Uint8Array(200).map((_, i) => 0x80 + (i % 60));
    const e = errorOf(junk, { fileName: 'latin1.txt' });
    expect(e.code).toBe('binary');
    expect(e.message).toMatch(
      /^latin1\.txt is not UTF-8 text \(\d+ of \d+ characters could not be decoded\)\. Save it as UTF-8 and try again\.$/,
    );
    const mostlyGood = new Uint8Array([...bytes('a'.repeat(500)), 0xe9, ...bytes('b'.repeat(500))]);
    expect(parseUserText(mostlyGood, { fileName: 'ok.txt' }).documents[0]?.text).toHaveLength(1001);
  });

  it('oversized input, in bytes and in pasted characters', () => {
    const e = errorOf(new Uint8Array(3 * 1024 * 1024).fill(0x61), { fileName: 'big.txt', maxBytes: 2 * 1024 * 1024 });
    expect(e.code).toBe('too-large');
    expect(e.message).toBe(
      'big.txt is 3.0 MB, over the 2.0 MB limit. A calibration set needs far less: use an excerpt.',
    );
    expect(errorOf('é'.repeat(600), { maxBytes: 1024 }).message).toBe(
      'The input is 1.2 KB, over the 1.0 KB limit. A calibration set needs far less: use an excerpt.',
    );
  });
});

describe('parseUserText: JSONL', () => {
  const jsonl = '{"text": "one", "id": 1}\n\n{"text": "two\\nlines", "id": 2}\n{"body": "x", "text": "three"}\n';

  it('takes the text field of each line, skipping blank lines, keeping line numbers', () => {
    const out = parseUserText(jsonl, { fileName: 'a.jsonl' });
    expect(out.documents).toEqual([
      { text: 'one', line: 1 },
      { text: 'two\nlines', line: 3 },
      { text: 'three', line: 4 },
    ]);
    const docs = toCorpusDocuments(out, 'a.jsonl');
    expect(docs[1]?.source).toEqual({ domain: 'user', file: 'a.jsonl', doc: 1, title: 'line 3' });
  });

  it('takes a chosen field', () => {
    const out = parseUserText('{"body": "b1"}\n{"body": "b2"}', { fileName: 'a.jsonl', field: 'body' });
    expect(out.documents.map((d) => d.text)).toEqual(['b1', 'b2']);
  });

  it('names the malformed line', () => {
    const e = errorOf('{"text": "ok"}\n{"text": "unterminated}\n', { fileName: 'bad.jsonl' });
    expect(e.code).toBe('bad-jsonl');
    expect(e.line).toBe(2);
    expect(e.message).toMatch(
      /^bad\.jsonl, line 2: not valid JSON \(.+\)\. Each line of a \.jsonl file must be one JSON object\.$/,
    );
    const arr = errorOf('["a"]', { fileName: 'arr.jsonl' });
    expect(arr.message).toBe('arr.jsonl, line 1: expected a JSON object like {"text": "..."}.');
  });

  it('names the missing field and lists the ones there are', () => {
    const e = errorOf('{"text": "ok"}\n{"content": "x", "id": 3}', { fileName: 'f.jsonl' });
    expect(e.code).toBe('missing-field');
    expect(e.line).toBe(2);
    expect(e.message).toBe(
      'f.jsonl, line 2: no "text" field (it has "content", "id"). Choose the field that holds the text.',
    );
    expect(errorOf('{"text": 5}', { fileName: 'n.jsonl' }).message).toBe(
      'n.jsonl, line 1: field "text" is not a string. Choose a field that holds text.',
    );
  });
});

describe('parseUserText: CSV', () => {
  it('parses RFC 4180 quoting: commas, doubled quotes and newlines inside quotes, CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n"multi\nline",z\r\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', 'z'],
    ]);
    expect(parseCsv('a,b\n1,\n,2')).toEqual([
      ['a', 'b'],
      ['1', ''],
      ['', '2'],
    ]);
  });

  it('takes the column named text by default, or a chosen one by name or index', () => {
    const csv = 'id,Text,label\n1,"Hello, world",a\n2,Second,b\n';
    expect(parseUserText(csv, { fileName: 'c.csv' }).documents).toEqual([
      { text: 'Hello, world', line: 2 },
      { text: 'Second', line: 3 },
    ]);
    expect(parseUserText(csv, { fileName: 'c.csv', column: 'label' }).documents.map((d) => d.text)).toEqual(['a', 'b']);
    expect(parseUserText(csv, { fileName: 'c.csv', column: 0 }).documents.map((d) => d.text)).toEqual(['1', '2']);
  });

  it('names a missing column and lists the header', () => {
    const e = errorOf('id,body\n1,x\n', { fileName: 'c.csv' });
    expect(e.code).toBe('missing-column');
    expect(e.message).toBe('c.csv: no column named "text". Choose the column that holds the text: "id", "body".');
    expect(errorOf('id,body\n1,x\n', { fileName: 'c.csv', column: 5 }).message).toBe(
      'c.csv: there is no column 5 (0-based); the header has 2: "id", "body".',
    );
  });

  it('names a short record, an unclosed quote and a stray quote', () => {
    const short = errorOf('id,text\n1,ok\n2\n', { fileName: 's.csv' });
    expect(short.code).toBe('bad-csv');
    expect(short.line).toBe(3);
    expect(short.message).toBe(
      's.csv, record 3: has 1 field(s), but the text column is number 2 of 2. Check the row for a missing comma or quote.',
    );
    const open = errorOf('text\n"fine"\n"never closed\nmore\n', { fileName: 'q.csv' });
    expect(open.code).toBe('bad-csv');
    expect(open.message).toBe('q.csv: the quoted field opened on line 3 is never closed.');
    expect(errorOf('text\nab"c\n', { fileName: 'r.csv' }).message).toBe(
      'r.csv, line 2: a quote inside an unquoted field. Quote the whole field and double inner quotes ("").',
    );
    expect(errorOf('text\n"ab"c\n', { fileName: 'r.csv' }).message).toBe(
      'r.csv, line 2: text after a closing quote. Double quotes inside a quoted field ("").',
    );
  });
});
