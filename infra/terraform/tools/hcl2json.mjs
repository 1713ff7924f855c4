// Parses .tf files with HashiCorp's HCL parser (@cdktf/hcl2json) and prints one JSON object:
// { files: { path: parsed }, errors: { path: message } }. Usage: node tools/hcl2json.mjs FILE...
// TerraformModulesTest runs it on every file of modules/ and examples/.
import { parse } from '@cdktf/hcl2json';
import { readFileSync } from 'node:fs';

const files = {};
const errors = {};
for (const path of process.argv.slice(2)) {
  try {
    files[path] = await parse(path, readFileSync(path, 'utf8'));
  } catch (e) {
    errors[path] = String(e?.message ?? e);
  }
}
process.stdout.write(JSON.stringify({ files, errors }));
