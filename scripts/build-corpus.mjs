#!/usr/bin/env node
// Builds the lab's built-in calibration corpus: per domain a calibration pool (~200 KB) and a
// held-out evaluation set (~60 KB) cut from shared/corpus, plus index.json and PROVENANCE.md.
//
//   node scripts/build-corpus.mjs [sourceDir=../shared/corpus] [outDir=public/corpus]
//
// Disjointness: each file is cut into sections (runs of whole paragraphs, at most SECTION_BYTES,
// never across a `### ` document boundary). A hash of (domain, section index) sends a section to
// held-out (1 in 4) or to the pool, so pool and held-out never share a section, let alone text.
// Inside each side the excerpts (runs of paragraphs up to PIECE_BYTES) are ranked by a hash and
// taken until the byte budget is met, so both sides spread over the whole file. Everything is a
// pure function of the input bytes: re-running gives identical files.
//
// Output format: excerpts in file order, each starting with a line `### <domain> <n>: <title>`
// (the title of the source document, if the source had one). `parseCorpusFile` in
// src/core/calib/corpus.ts splits on those lines and drops them, so they never reach a window.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DOMAINS = ['sotu', 'austen', 'kjv', 'jargon', 'brown', 'moby-dick'];
export const POOL_BYTES = 200_000;
export const HELDOUT_BYTES = 60_000;
const SECTION_BYTES = 16_000;
const PIECE_BYTES = 2_500;
// Paragraphs longer than this (SOTU addresses are single lines of ~45 KB) are cut at sentence ends.
const BLOCK_BYTES = 1_500;
const HELDOUT_ONE_IN = 4;

const utf8 = (s) => Buffer.byteLength(s, 'utf8');

/** FNV-1a with a murmur3 finaliser: cheap, stable across platforms, well mixed in the low bits. */
export function hashString(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Splits a source file into documents at `### ` heading lines (files without headings are one document). */
function splitDocuments(text) {
  const docs = [];
  let title = '';
  let lines = [];
  const flush = () => {
    const body = lines.join('\n').trim();
    if (body) docs.push({ title, body });
    lines = [];
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('### ')) {
      flush();
      title = line.slice(4).trim();
    } else lines.push(line);
  }
  flush();
  return docs;
}

/** Cuts an over-long paragraph at sentence ends (or spaces) so no block exceeds BLOCK_BYTES. */
function cutLongParagraph(p) {
  if (utf8(p) <= BLOCK_BYTES) return [{ text: p, continues: false }];
  const out = [];
  let rest = p;
  while (utf8(rest) > BLOCK_BYTES) {
    const head = rest.slice(0, BLOCK_BYTES);
    let cut = Math.max(head.lastIndexOf('. '), head.lastIndexOf('? '), head.lastIndexOf('! '), head.lastIndexOf('\n'));
    if (cut < BLOCK_BYTES / 3) cut = head.lastIndexOf(' ');
    if (cut < BLOCK_BYTES / 3) cut = BLOCK_BYTES - 1;
    out.push(rest.slice(0, cut + 1).trim());
    rest = rest.slice(cut + 1).trim();
  }
  if (rest) out.push(rest);
  // Pieces of one paragraph are rejoined with a space, not a paragraph break, so the excerpt
  // reads like the source.
  return out.filter(Boolean).map((text, i) => ({ text, continues: i > 0 }));
}

/** Groups consecutive blocks into runs of at most maxBytes (a single larger block stays alone). */
function groupBlocks(blocks, maxBytes) {
  const groups = [];
  let cur = [];
  let bytes = 0;
  for (const b of blocks) {
    const n = utf8(b.text) + 2;
    if (cur.length && bytes + n > maxBytes) {
      groups.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(b);
    bytes += n;
  }
  if (cur.length) groups.push(cur);
  return groups;
}

/** Splits one domain's text into disjoint pool and held-out excerpt lists. */
export function splitDomain(domain, text, budgets = { pool: POOL_BYTES, heldout: HELDOUT_BYTES }) {
  const pieces = { pool: [], heldout: [] };
  let sectionIndex = 0;
  let pieceIndex = 0;
  for (const doc of splitDocuments(text)) {
    const blocks = doc.body
      .split(/\n[ \t]*\n/)
      .map((b) => b.replace(/^\n+|\s+$/g, ''))
      .filter(Boolean)
      .flatMap(cutLongParagraph);
    for (const section of groupBlocks(blocks, SECTION_BYTES)) {
      const side = hashString(`${domain}/section/${sectionIndex}`) % HELDOUT_ONE_IN === 0 ? 'heldout' : 'pool';
      sectionIndex++;
      for (const piece of groupBlocks(section, PIECE_BYTES)) {
        const body = piece.map((b, i) => (i === 0 ? '' : b.continues ? ' ' : '\n\n') + b.text).join('');
        pieces[side].push({
          order: pieceIndex,
          rank: hashString(`${domain}/piece/${pieceIndex}`),
          title: doc.title,
          body,
          bytes: utf8(body),
        });
        pieceIndex++;
      }
    }
  }
  const take = (list, budget) => {
    const chosen = [];
    let bytes = 0;
    for (const p of [...list].sort((a, b) => a.rank - b.rank || a.order - b.order)) {
      if (bytes >= budget) break;
      chosen.push(p);
      bytes += p.bytes;
    }
    return chosen.sort((a, b) => a.order - b.order);
  };
  return { pool: take(pieces.pool, budgets.pool), heldout: take(pieces.heldout, budgets.heldout) };
}

export function renderExcerpts(domain, excerpts) {
  return excerpts.map((p) => `### ${domain} ${p.order}${p.title ? `: ${p.title}` : ''}\n\n${p.body}\n`).join('\n');
}

/** Pulls the source and licence lines of each file's section out of PROVENANCE.md. */
export function readProvenance(markdown) {
  const out = {};
  let current = null;
  for (const line of markdown.split('\n')) {
    const h = /^## (\S+)\.txt\s*$/.exec(line);
    if (h) {
      current = h[1];
      out[current] = {};
      continue;
    }
    if (!current) continue;
    const src = /^- \*\*Source:\*\* (.*)$/.exec(line);
    if (src) out[current].source = src[1].trim();
    const lic = /^- \*\*Licence[^*]*:\*\* (.*)$/.exec(line);
    if (lic) out[current].licence = lic[1].trim();
  }
  return out;
}

const MODEL_NOTE = {
  seen: "The demo model (public/models/demo) was trained on 94% of this domain, split by a hash of document index that this build cannot reproduce: held-out text here may overlap the model's training text, so its held-out perplexity can be optimistic.",
  unseen: 'The demo model never saw this domain in training: its held-out text is truly out-of-domain for it.',
};

export function buildCorpus(sourceDir, outDir) {
  mkdirSync(outDir, { recursive: true });
  const provenancePath = join(sourceDir, 'PROVENANCE.md');
  const provenance = existsSync(provenancePath) ? readProvenance(readFileSync(provenancePath, 'utf8')) : {};
  const domains = [];
  for (const domain of DOMAINS) {
    const text = readFileSync(join(sourceDir, `${domain}.txt`), 'utf8').replace(/\r\n?/g, '\n');
    const { pool, heldout } = splitDomain(domain, text);
    const entry = { domain, sourceFile: `${domain}.txt`, sourceBytes: utf8(text) };
    for (const [kind, list] of [
      ['pool', pool],
      ['heldout', heldout],
    ]) {
      const file = `${domain}.${kind}.txt`;
      const rendered = renderExcerpts(domain, list);
      writeFileSync(join(outDir, file), rendered);
      entry[kind] = {
        file,
        bytes: utf8(rendered),
        textBytes: list.reduce((s, p) => s + p.bytes, 0),
        excerpts: list.length,
      };
    }
    entry.source = provenance[domain]?.source ?? 'see PROVENANCE.md';
    entry.licence = provenance[domain]?.licence ?? 'see PROVENANCE.md';
    entry.demoModel = domain === 'moby-dick' ? 'unseen' : 'seen';
    entry.demoModelNote = MODEL_NOTE[entry.demoModel];
    domains.push(entry);
  }
  // Written, not copied, so the copy does not inherit the read-only mode of shared/.
  if (existsSync(provenancePath)) writeFileSync(join(outDir, 'PROVENANCE.md'), readFileSync(provenancePath));
  const index = {
    format: 'evop-corpus/1',
    description:
      'Built-in calibration pools and held-out evaluation sets, one pair per domain, cut from shared/corpus by scripts/build-corpus.mjs. Pool and held-out come from disjoint sections (runs of whole paragraphs, at most 16 KB, chosen by a hash), so they never share text. Excerpts start with a "### <domain> <n>: <title>" line that the loader drops.',
    split: {
      sectionBytes: SECTION_BYTES,
      pieceBytes: PIECE_BYTES,
      heldoutOneIn: HELDOUT_ONE_IN,
      hash: 'fnv1a32+murmur3-fmix',
    },
    demoModelOverlap:
      "Held-out text may overlap the demo model's training text for sotu, austen, kjv, jargon and brown (it was trained on 94% of each, split by a hash of document index that cannot be reproduced here). moby-dick was never seen by the demo model.",
    provenance: 'PROVENANCE.md',
    domains,
    totalBytes: domains.reduce((s, d) => s + d.pool.bytes + d.heldout.bytes, 0),
  };
  writeFileSync(join(outDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  return index;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const sourceDir = resolve(process.argv[2] ?? '../shared/corpus');
  const outDir = resolve(process.argv[3] ?? 'public/corpus');
  const index = buildCorpus(sourceDir, outDir);
  for (const d of index.domains) {
    console.log(
      `${d.domain.padEnd(10)} pool ${d.pool.bytes} B (${d.pool.excerpts} excerpts)  held-out ${d.heldout.bytes} B (${d.heldout.excerpts})`,
    );
  }
  console.log(`total ${index.totalBytes} B -> ${outDir}`);
}
