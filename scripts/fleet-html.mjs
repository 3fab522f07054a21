// Opens a fleet map in headless Chromium, sorts the first migration's table by clicking its
// headers, checks the order of the rows after each click, checks that the page requests
// nothing, and screenshots it.
//   node scripts/fleet-html.mjs MAP.html OUT.png PATH/TO/playwright-core
import { createRequire } from "node:module";
import path from "node:path";

const [map, out, modules] = process.argv.slice(2);
const { chromium } = createRequire(import.meta.url)(path.resolve(modules));

let failures = 0;
function check(ok, what, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${ok ? "" : `: ${JSON.stringify(detail)}`}`);
  if (!ok) failures += 1;
}
const sorted = (values, compare) => values.every((v, i) => i === 0 || compare(values[i - 1], v) <= 0);

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  // As the machine's probe starts it: no sandbox (root), no background traffic.
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
const requests = [];
page.on("request", (request) => {
  if (!request.url().startsWith("file:")) requests.push(request.url());
});
await page.goto(`file://${path.resolve(map)}`);

const table = page.locator("section.migration").first().locator("table");
const cells = (column) =>
  table.locator("tbody tr").evaluateAll((rows, i) => rows.map((row) => row.cells[i].dataset.value), column);
const header = (label) => table.locator("th", { hasText: label });

check((await cells(0)).length >= 5, "the first migration lists the fleet's repositories", await cells(0));
await header("Repository").locator("button").click();
const names = await cells(0);
check(sorted(names, (a, b) => a.localeCompare(b)), "one click on Repository sorts A to Z", names);
check((await header("Repository").getAttribute("aria-sort")) === "ascending", "aria-sort says ascending");

await header("Sites left").locator("button").click();
let sites = (await cells(1)).map(Number);
check(sorted(sites, (a, b) => a - b), "one click on Sites left sorts fewest first", sites);
await header("Sites left").locator("button").click();
sites = (await cells(1)).map(Number);
check(sorted(sites, (a, b) => b - a), "a second click sorts most first", sites);
check((await header("Sites left").getAttribute("aria-sort")) === "descending", "aria-sort says descending");
check((await header("Repository").getAttribute("aria-sort")) === "none", "the other column is unsorted");

check((await page.locator("figure svg").count()) >= 1, "the burndown is drawn", null);
check(requests.length === 0, "the page requests nothing from the network", requests);

await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log(`fleet-html: ${failures === 0 ? "all checks passed" : `${failures} check(s) failed`}; screenshot ${out}`);
process.exit(failures === 0 ? 0 : 1);
