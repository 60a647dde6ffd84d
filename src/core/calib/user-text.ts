/**
 * User calibration text: pasted text or a dropped .txt / .md / .jsonl / .csv file, turned into a
 * list of documents. Every refusal is a `UserTextError` whose message says what to do next.
 */

export type UserTextFormat = 'text' | 'markdown' | 'jsonl' | 'csv';

export type UserTextErrorCode =
  | 'empty'
  | 'binary'
  | 'too-large'
  | 'unsupported-format'
  | 'bad-jsonl'
  | 'missing-field'
  | 'bad-csv'
  | 'missing-column';

export class UserTextError extends Error {
  override readonly name = 'UserTextError';
  constructor(
    readonly code: UserTextErrorCode,
    message: string,
    /** 1-based line (JSONL) or record (CSV, header = 1) the problem is on, when there is one. */
    readonly line?: number,
  ) {
    super(message);
  }
}

export interface UserTextOptions {
  /** Overrides the format guessed from the file name. */
  format?: UserTextFormat;
  /** Used to guess the format and in messages. */
  fileName?: string;
  /** JSONL: the field holding the text (default `text`). */
  field?: string;
  /** CSV: the column holding the text, by header name or 0-based index (default: a column named `text`). */
  column?: string | number;
  /** Refuse input larger than this many bytes (default 20 MiB). */
  maxBytes?: number;
}

export interface UserDocument {
  text: string;
  /** 1-based line (JSONL) or record (CSV) the document came from; 1 for plain text. */
  line: number;
}

export interface UserText {
  format: UserTextFormat;
  documents: UserDocument[];
  /** Input size in UTF-8 bytes. */
  bytes: number;
}

/** 20 MiB: far more than any calibration set needs, small enough to tokenize in a tab. */
export const DEFAULT_MAX_USER_TEXT_BYTES = 20 * 1024 * 1024;

/** More than 1% undecodable bytes means this is not UTF-8 text (a stray Latin-1 byte is tolerated). */
const MAX_REPLACEMENT_RATIO = 0.01;

const EXTENSIONS: Record<string, UserTextFormat> = {
  txt: 'text',
  text: 'text',
  md: 'markdown',
  markdown: 'markdown',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  csv: 'csv',
};

/** Guesses the format from a file name; throws `unsupported-format` for anything else. */
export function detectUserTextFormat(fileName: string): UserTextFormat {
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const format = EXTENSIONS[ext];
  if (!format) {
    throw new UserTextError(
      'unsupported-format',
      `${fileName}: unsupported file type${ext ? ` ".${ext}"` : ''}. Drop a .txt, .md, .jsonl or .csv file, or paste the text.`,
    );
  }
  return format;
}

const formatBytes = (n: number): string =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`;

/** Decodes bytes as UTF-8 and refuses what is clearly not text. */
export function decodeUserBytes(bytes: Uint8Array, name = 'The input', maxBytes = DEFAULT_MAX_USER_TEXT_BYTES): string {
  checkSize(bytes.length, name, maxBytes);
  if (bytes.includes(0)) {
    throw new UserTextError('binary', `${name} looks binary (it contains NUL bytes). Use a plain-text UTF-8 file.`);
  }
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
  let bad = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  if (text.length > 0 && bad / text.length > MAX_REPLACEMENT_RATIO) {
    throw new UserTextError(
      'binary',
      `${name} is not UTF-8 text (${bad} of ${text.length} characters could not be decoded). Save it as UTF-8 and try again.`,
    );
  }
  return text;
}

function checkSize(bytes: number, name: string, maxBytes: number): void {
  if (bytes > maxBytes) {
    throw new UserTextError(
      'too-large',
      `${name} is ${formatBytes(bytes)}, over the ${formatBytes(maxBytes)} limit. A calibration set needs far less: use an excerpt.`,
    );
  }
}

/** Parses pasted text or file contents into documents. */
export function parseUserText(input: string | Uint8Array, options: UserTextOptions = {}): UserText {
  const name = options.fileName ?? 'The input';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_USER_TEXT_BYTES;
  const format = options.format ?? (options.fileName ? detectUserTextFormat(options.fileName) : 'text');
  let text: string;
  let bytes: number;
  if (typeof input === 'string') {
    bytes = new TextEncoder().encode(input).length;
    checkSize(bytes, name, maxBytes);
    if (input.includes('\0')) {
      throw new UserTextError(
        'binary',
        `${name} contains NUL characters, so it is not plain text. Paste or drop text only.`,
      );
    }
    text = input;
  } else {
    bytes = input.length;
    text = decodeUserBytes(input, name, maxBytes);
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') {
    throw new UserTextError('empty', `${name} is empty. Paste some text or drop a file with text in it.`);
  }
  let documents: UserDocument[];
  switch (format) {
    case 'text':
      documents = [{ text: text.replace(/\r\n?/g, '\n'), line: 1 }];
      break;
    case 'markdown':
      documents = [{ text: stripFrontMatter(text.replace(/\r\n?/g, '\n')), line: 1 }];
      break;
    case 'jsonl':
      documents = parseJsonl(text, options.field ?? 'text', name);
      break;
    case 'csv':
      documents = parseCsvColumn(text, options.column, name);
      break;
  }
  documents = documents.filter((d) => d.text.trim() !== '');
  if (documents.length === 0) {
    throw new UserTextError(
      'empty',
      `${name} has no text in it after parsing (every ${format === 'csv' ? 'cell' : 'entry'} is blank).`,
    );
  }
  return { format, documents, bytes };
}

/** YAML front matter is metadata, not prose the model should be calibrated on. */
function stripFrontMatter(md: string): string {
  const m = /^---\n[\s\S]*?\n---\n/.exec(md);
  return m ? md.slice(m[0].length) : md;
}

function parseJsonl(text: string, field: string, name: string): UserDocument[] {
  const docs: UserDocument[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const n = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new UserTextError(
        'bad-jsonl',
        `${name}, line ${n}: not valid JSON (${(e as Error).message}). Each line of a .jsonl file must be one JSON object.`,
        n,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UserTextError('bad-jsonl', `${name}, line ${n}: expected a JSON object like {"${field}": "..."}.`, n);
    }
    const record = value as Record<string, unknown>;
    const cell = record[field];
    if (typeof cell !== 'string') {
      const keys = Object.keys(record);
      const found = keys.length ? `it has ${keys.map((k) => `"${k}"`).join(', ')}` : 'it is empty';
      throw new UserTextError(
        'missing-field',
        cell === undefined
          ? `${name}, line ${n}: no "${field}" field (${found}). Choose the field that holds the text.`
          : `${name}, line ${n}: field "${field}" is not a string. Choose a field that holds text.`,
        n,
      );
    }
    docs.push({ text: cell, line: n });
  }
  return docs;
}

/** RFC 4180 records: comma separated, `"` quoted, `""` an escaped quote, CRLF or LF line ends. */
export function parseCsv(text: string, name = 'The input'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let line = 1;
  let quotedFrom = 0;
  let inQuotes = false;
  let wasQuoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      cell += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (cell !== '' || wasQuoted) {
        throw new UserTextError(
          'bad-csv',
          `${name}, line ${line}: a quote inside an unquoted field. Quote the whole field and double inner quotes ("").`,
          line,
        );
      }
      inQuotes = true;
      wasQuoted = true;
      quotedFrom = line;
      i++;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      wasQuoted = false;
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      wasQuoted = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
    } else {
      if (wasQuoted) {
        throw new UserTextError(
          'bad-csv',
          `${name}, line ${line}: text after a closing quote. Double quotes inside a quoted field ("").`,
          line,
        );
      }
      cell += c;
      i++;
    }
  }
  if (inQuotes) {
    throw new UserTextError(
      'bad-csv',
      `${name}: the quoted field opened on line ${quotedFrom} is never closed.`,
      quotedFrom,
    );
  }
  if (cell !== '' || wasQuoted || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  // A blank line is no record (a trailing newline, spacing between blocks).
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

function parseCsvColumn(text: string, column: string | number | undefined, name: string): UserDocument[] {
  const rows = parseCsv(text, name);
  const header = rows[0];
  if (!header) throw new UserTextError('empty', `${name} is empty. Drop a CSV file with a header row.`);
  const columns = header.map((h) => `"${h}"`).join(', ');
  let index: number;
  if (typeof column === 'number') {
    index = column;
    if (!Number.isInteger(index) || index < 0 || index >= header.length) {
      throw new UserTextError(
        'missing-column',
        `${name}: there is no column ${column} (0-based); the header has ${header.length}: ${columns}.`,
        1,
      );
    }
  } else {
    const wanted = column ?? 'text';
    index = header.indexOf(wanted);
    if (index < 0) index = header.findIndex((h) => h.trim().toLowerCase() === wanted.toLowerCase());
    if (index < 0) {
      throw new UserTextError(
        'missing-column',
        `${name}: no column named "${wanted}". Choose the column that holds the text: ${columns}.`,
        1,
      );
    }
  }
  const docs: UserDocument[] = [];
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r] as string[];
    const cell = cells[index];
    if (cell === undefined) {
      throw new UserTextError(
        'bad-csv',
        `${name}, record ${r + 1}: has ${cells.length} field(s), but the text column is number ${index + 1} of ${header.length}. Check the row for a missing comma or quote.`,
        r + 1,
      );
    }
    docs.push({ text: cell, line: r + 1 });
  }
  return docs;
}
