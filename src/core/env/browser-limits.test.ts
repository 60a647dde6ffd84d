import { describe, expect, it } from 'vitest';
import { MAX_BROWSER_MODEL_BYTES, tooLargeForBrowser } from './browser-limits';

const GiB = 2 ** 30;

describe('tooLargeForBrowser', () => {
  it('accepts files up to 2 GiB in all', () => {
    expect(tooLargeForBrowser([{ name: 'model.onnx', size: MAX_BROWSER_MODEL_BYTES }])).toBeNull();
    expect(tooLargeForBrowser([])).toBeNull();
  });

  it('refuses a larger model with the reason and the command-line alternative', () => {
    expect(tooLargeForBrowser([{ name: 'huge.onnx', size: 2.5 * GiB }])).toBe(
      'huge.onnx is 2.50 GiB, more than the 2.00 GiB a browser tab can hold (onnxruntime-web runs in 32-bit ' +
        'WebAssembly memory, 4 GiB in all, and needs room to compute), so it was not read. ' +
        'Search and prune it on the command line instead, which has no such limit: npm run evop -- search huge.onnx ' +
        '--drop-count 4 --method evo --calib <text file>, then npm run evop -- prune huge.onnx --drop <blocks> --out pruned/.',
    );
  });

  it('counts the external data and side files with the .onnx', () => {
    const files = [
      { name: 'tokenizer.json', size: 2_000_000 },
      { name: 'model.onnx', size: 300_000 },
      { name: 'model.onnx_data', size: 2 * GiB },
    ];
    expect(tooLargeForBrowser(files)).toMatch(/^model\.onnx and the files with it come to 2\.00 GiB, more than/);
    expect(tooLargeForBrowser(files, 3 * GiB)).toBeNull();
  });
});
