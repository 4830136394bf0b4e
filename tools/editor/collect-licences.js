// Writes the licence texts of every package that esbuild put into the editor bundle, each under its
// name and version. Usage: node collect-licences.js <meta.json> <out.LICENSE> <bundle name>

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [metafile, out, bundle] = process.argv.slice(2);
const meta = JSON.parse(readFileSync(metafile, "utf8"));
const names = new Set();
for (const output of Object.values(meta.outputs)) {
  for (const [path, input] of Object.entries(output.inputs)) {
    const match = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (match && input.bytesInOutput > 0) names.add(match[1]);
  }
}

const packages = [...names].sort().map((name) => {
  const folder = join("node_modules", name);
  const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = readdirSync(folder).find((entry) => /^(licen[cs]e|copying)(\.|$)/i.test(entry));
  if (!file) throw new Error(`${name} has no licence file`);
  return { name, version: manifest.version, licence: manifest.license, text: readFileSync(join(folder, file), "utf8") };
});
const rule = `\n${"=".repeat(78)}\n\n`;
const header =
  `${bundle} bundles these packages (built by tools/editor/build.sh); their licences follow.\n\n` +
  packages.map((p) => `  ${p.name} ${p.version} (${p.licence})`).join("\n");
const sections = packages.map((p) => `${p.name} ${p.version}\n\n${p.text.trim()}\n`);
writeFileSync(out, [header, ...sections].join(rule));
