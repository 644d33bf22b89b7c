// snippets.ts: the README's client snippets are this kit's tested code.
// Every fenced block that follows a line "<!-- snippet: PATH -->" in
// README.md must be the file PATH (relative to the repository), and one that
// follows "<!-- snippet: PATH NAME -->" the part of it between the comment
// lines "README: begin NAME" and "README: end NAME".
// Prints one line per snippet and "snippets: PASS" or "snippets: FAIL".
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "../../..");
const readme = readFileSync(join(root, "README.md"), "utf8").split("\n");
let checked = 0;
let failed = 0;

function excerpt(text: string, name: string | undefined): string | undefined {
  const lines = text.split("\n");
  if (name === undefined) return lines.join("\n").trim();
  const begin = lines.findIndex((l) => l.trim().endsWith(`README: begin ${name}`));
  const end = lines.findIndex((l) => l.trim().endsWith(`README: end ${name}`));
  return begin >= 0 && end > begin ? lines.slice(begin + 1, end).join("\n").trim() : undefined;
}

for (let i = 0; i < readme.length; i++) {
  const m = readme[i].match(/^<!-- snippet: (\S+)(?: (\S+))? -->$/);
  if (!m) continue;
  const open = readme.findIndex((l, j) => j > i && l.startsWith("```"));
  const close = readme.findIndex((l, j) => j > open && l.startsWith("```"));
  const block = readme.slice(open + 1, close).join("\n").trim();
  const want = excerpt(readFileSync(join(root, m[1]), "utf8"), m[2]);
  const what = m[2] ? `${m[1]} (${m[2]})` : m[1];
  checked++;
  if (open !== i + 1 || want === undefined || block !== want) {
    failed++;
    console.log(`FAIL: README.md line ${i + 1}: the block is not ${what} as it is`);
  } else {
    console.log(`ok - README.md line ${i + 1} is ${what}`);
  }
}
if (checked === 0) {
  console.log("FAIL: no snippet markers in README.md");
  failed++;
}
console.log(failed === 0 ? "snippets: PASS" : "snippets: FAIL");
process.exit(failed === 0 ? 0 : 1);
