// Run by tests/test_pyodide_node.py: start Python the way the page's worker does (python.mjs), from the npm package
// and a built site's live folder, then run the cells given as JSON on argv[3] and print one JSON line per cell.
import { readFileSync } from 'node:fs';
import { loadPyodide } from 'pyodide';

const live = process.argv[2];
const cells = JSON.parse(process.argv[3]);
const { startPython } = await import(new URL(`file://${live}/python.mjs`).href);
const modules = JSON.parse(readFileSync(`${live}/modules.json`, 'utf8'));
const runner = readFileSync(`${live}/runner.py`, 'utf8');
let out = '';
const python = await startPython(loadPyodide, undefined, modules, runner, (t) => { out += t; }, (t) => { out += t; });
for (const [i, code] of cells.entries()) {
  out = '';
  const res = python.run(code, `<cell ${i + 1}>`);
  console.log(JSON.stringify({ ...res, stdout: out }));
}
