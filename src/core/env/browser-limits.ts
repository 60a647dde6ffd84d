/** wasm32 addresses 4 GiB and onnxruntime holds weights plus working memory: refuse above 2 GiB. */
export const MAX_BROWSER_MODEL_BYTES = 2 * 2 ** 30;

const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;

/**
 * Why dropped files are too large for a browser tab, or null when they fit. Decided from the
 * files' sizes alone, so a model that cannot fit is refused before a byte of it is read.
 */
export function tooLargeForBrowser(
  files: readonly { readonly name: string; readonly size: number }[],
  max = MAX_BROWSER_MODEL_BYTES,
): string | null {
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total <= max) return null;
  const onnx = files.find((f) => f.name.toLowerCase().endsWith('.onnx'))?.name ?? 'model.onnx';
  const what = files.length > 1 ? `${onnx} and the files with it come to` : `${onnx} is`;
  return (
    `${what} ${gib(total)}, more than the ${gib(max)} a browser tab can hold (onnxruntime-web runs in 32-bit ` +
    'WebAssembly memory, 4 GiB in all, and needs room to compute), so it was not read. ' +
    `Search and prune it on the command line instead, which has no such limit: npm run evop -- search ${onnx} ` +
    `--drop-count 4 --method evo --calib <text file>, then npm run evop -- prune ${onnx} --drop <blocks> --out pruned/.`
  );
}
