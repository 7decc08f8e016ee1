// End-to-end test of editors/vscode in real VS Code for the web (code-server), driven by headless
// Chromium through playwright-core. Started by tests/editors/vscode-e2e.sh, which sets:
//   CLOSURE_LENS_BIN  server binary        CLOSURE_LENS_VSIX  the packaged extension
//   CODE_SERVER_APP   npm prefix holding code-server and playwright-core
//   CLOSURE_LENS_SCREENSHOTS  where the PNGs go
// Optional: CLOSURE_LENS_TIMEOUT (seconds per wait, default 60), CHROMIUM (default /usr/bin/chromium).
// CLOSURE_LENS_SCREENSHOT=out.png: instead of the tests, take the README screenshot (hints, lenses,
// the late-binding diagnostic, semantic colours of captured names) of tests/editors/fixtures/
// late_binding.py and stop (tests/editors/screenshot.sh).
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`vscode-e2e: set ${name} (run tests/editors/vscode-e2e.sh)`);
    process.exit(2);
  }
  return v;
};
const BIN = env("CLOSURE_LENS_BIN");
const VSIX = env("CLOSURE_LENS_VSIX");
const APP = env("CODE_SERVER_APP");
const SHOTS = env("CLOSURE_LENS_SCREENSHOTS");
const TIMEOUT = Number(process.env.CLOSURE_LENS_TIMEOUT || "60") * 1000;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

const require = createRequire(path.join(APP, "node_modules", "x.js"));
const { chromium } = require("playwright-core");
const codeServerBin = path.join(APP, "node_modules", ".bin", "code-server");

let passed = 0;
let failed = 0;
const results = [];
function ok(name, detail) {
  passed++;
  results.push(`ok     ${name}${detail ? `: ${detail}` : ""}`);
  console.log(results.at(-1));
}
function fail(name, detail) {
  failed++;
  results.push(`FAIL   ${name}: ${detail}`);
  console.log(results.at(-1));
}
const oneLine = (s, n = 200) => String(s).replace(/\s+/g, " ").trim().slice(0, n);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitHttp(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) {
        return true;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const work = mkdtempSync(path.join(tmpdir(), "closure-lens-e2e-"));
const extDir = path.join(work, "extensions");
const userDir = path.join(work, "user-data");
const workspace = path.join(work, "workspace");
mkdirSync(SHOTS, { recursive: true });
mkdirSync(path.join(userDir, "User"), { recursive: true });
mkdirSync(path.join(userDir, "Machine"), { recursive: true });
cpSync(path.join(repo, "tests", "editors", "fixtures"), workspace, { recursive: true });
// The decorators fixture workspace (issue 9's hover across modules), as a folder of the workspace.
cpSync(path.join(repo, "tests", "workspaces", "decorators"), path.join(workspace, "decorators"), { recursive: true });
if (existsSync(path.join(repo, "examples"))) {
  cpSync(path.join(repo, "examples"), path.join(workspace, "examples"), { recursive: true });
}
const BUNDLED = process.env.CLOSURE_LENS_E2E_BUNDLED === "1";
const SCREENSHOT = process.env.CLOSURE_LENS_SCREENSHOT;
const settings = {
  ...(BUNDLED ? {} : { "closureLens.server.path": BIN }),
  "closureLens.trace.server": "messages",
  "editor.inlayHints.enabled": "on",
  "editor.codeLens": true,
  "editor.fontSize": 15,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "extensions.ignoreRecommendations": true,
  "extensions.autoCheckUpdates": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "window.zoomLevel": 0,
  "editor.semanticHighlighting.enabled": true,
  // Fix on save, as editors/vscode/README.md documents it.
  "[python]": { "editor.codeActionsOnSave": { "source.fixAll.closure-lens": "explicit" } },
  ...(SCREENSHOT
    ? {
        // The colours editors/vscode/README.md suggests, so captured names, cells and nonlocal
        // writes stand out in the default theme.
        "editor.semanticTokenColorCustomizations": {
          rules: {
            "*.captured:python": { foreground: "#e5a84b", italic: true },
            "*.cell:python": { foreground: "#e5a84b", underline: true },
            "*.nonlocalWrite:python": { foreground: "#e5a84b", bold: true },
          },
        },
        "editor.minimap.enabled": false,
        "breadcrumbs.enabled": false,
        "editor.fontSize": 14,
      }
    : {}),
};
writeFileSync(path.join(userDir, "User", "settings.json"), JSON.stringify(settings, null, 2));
writeFileSync(path.join(userDir, "Machine", "settings.json"), JSON.stringify(settings, null, 2));

// Which counter file to open, and where its nested function's name is (1-based line, 0-based column).
const exampleCounter = path.join(workspace, "examples", "counter.py");
const counterName = existsSync(exampleCounter) ? "examples/counter.py" : "counter.py";
const counterPath = existsSync(exampleCounter) ? exampleCounter : path.join(workspace, "counter.py");
const nested = (() => {
  const lines = readFileSync(counterPath, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s+)def (\w+)/.exec(lines[i]);
    if (m) {
      return { line: i + 1, column: m[1].length + 4, name: m[2] };
    }
  }
  return { line: 3, column: 8, name: "increment" };
})();
console.log(`vscode-e2e: opening ${path.relative(workspace, counterPath)}, hovering ${nested.name} at ${nested.line}:${nested.column + 1}`);

const baseArgs = ["--extensions-dir", extDir, "--user-data-dir", userDir];
console.log(`vscode-e2e: installing ${path.basename(VSIX)} into code-server`);
const inst = spawnSync(codeServerBin, [...baseArgs, "--install-extension", VSIX], { encoding: "utf8", timeout: 120000 });
if (inst.status !== 0 || !readdirSync(extDir).some((d) => d.startsWith("closure-lens."))) {
  console.error(inst.stdout, inst.stderr);
  fail("install the .vsix into code-server", `exit ${inst.status}`);
  finish(null, null);
}
ok("install the .vsix into code-server", oneLine(inst.stdout.split("\n").filter(Boolean).at(-1) ?? ""));

const port = await freePort();
const csLog = [];
const cs = spawn(
  codeServerBin,
  [
    "--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-telemetry", "--disable-update-check",
    "--disable-workspace-trust", "--disable-getting-started-override", ...baseArgs, workspace,
  ],
  { stdio: ["ignore", "pipe", "pipe"], detached: true },
);
cs.stdout.on("data", (d) => csLog.push(String(d)));
cs.stderr.on("data", (d) => csLog.push(String(d)));

let browser = null;
let pageForShots = null;
function finish(code) {
  const summary = `vscode-e2e: ${passed} passed, ${failed} failed`;
  console.log(summary);
  writeFileSync(path.join(SHOTS, "results.txt"), results.concat(summary).join("\n") + "\n");
  if (failed) {
    console.log("code-server log (tail):\n" + csLog.join("").split("\n").slice(-20).join("\n"));
  }
  try {
    if (cs.pid) {
      process.kill(-cs.pid, "SIGTERM");
    }
  } catch {
    // already gone
  }
  rmSync(work, { recursive: true, force: true });
  process.exit(code ?? (failed ? 1 : 0));
}

const main = async () => {
  if (!(await waitHttp(`http://127.0.0.1:${port}/healthz`, TIMEOUT))) {
    fail("code-server starts", `no answer on port ${port} within ${TIMEOUT / 1000} s`);
    return;
  }
  ok("code-server starts", `port ${port}`);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  pageForShots = page;
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: TIMEOUT });
  await page.waitForSelector(".explorer-folders-view, .explorer-viewlet", { timeout: TIMEOUT }).catch(() => {});

  // Quick Open (Ctrl+P) a workspace-relative path, as a user would.
  async function openFile(rel) {
    const base = path.basename(rel);
    const dir = path.dirname(rel);
    const input = page.locator(".quick-input-widget input");
    // Retried: right after a navigation the widget can show before it takes input, or list no
    // file for a while (once after F12 into decos.py, once after going back from it); the last
    // try waits as long as any step (and fails the run).
    for (let attempt = 1; ; attempt++) {
      const last = attempt === 3;
      const patience = last ? {} : { timeout: 10000 };
      await page.locator(".monaco-workbench").click({ position: { x: 600, y: 300 } }).catch(() => {});
      await page.keyboard.press("Control+P");
      await input.waitFor({ state: "visible" });
      let rows = page.locator(".quick-input-list .monaco-list-row", { hasText: base });
      if (dir !== ".") {
        rows = rows.filter({ hasText: dir });
      }
      const listed = await input
        .fill(rel, patience)
        .then(() => rows.first().waitFor(patience))
        .then(() => true, (err) => {
          if (last) {
            throw err;
          }
          return false;
        });
      if (listed) {
        await rows.first().click();
        break;
      }
      await page.keyboard.press("Escape");
      await page.waitForTimeout(500);
    }
    await page.locator(`.tab[data-resource-name="${base}"]`).first().waitFor();
  }

  async function waitText(what, locator, pred) {
    const deadline = Date.now() + TIMEOUT;
    let text = "";
    while (Date.now() < deadline) {
      text = (await locator.allInnerTexts().catch(() => [])).join(" | ").replace(/\u00a0/g, " "); // Monaco renders spaces as NBSP
      if (pred(text)) {
        return { ok: true, text };
      }
      await page.waitForTimeout(250);
    }
    return { ok: false, text: `timed out after ${TIMEOUT / 1000} s waiting for ${what}; saw: ${oneLine(text, 600) || "(nothing)"}` };
  }

  if (SCREENSHOT) {
    await screenshot(page, openFile, waitText);
    return;
  }

  // The counter: the bundled example examples/counter.py when the repo has it, else the fixture.
  await openFile(counterName);
  const editor = page.locator(".editor-group-container.active .monaco-editor").first();
  await editor.locator(".view-lines").waitFor();
  const hint = await waitText("the inlay hint", editor.locator(".view-lines"), (t) => /captures\(.*count/.test(t));
  hint.ok ? ok("inlay hint shows count", oneLine(hint.text.match(/captures\([^)]*\)/)?.[0] ?? hint.text)) : fail("inlay hint shows count", hint.text);
  const lens = await waitText("the code lens", editor.locator(".codelens-decoration"), (t) => t.includes("count"));
  lens.ok ? ok("code lens shows count", oneLine(lens.text)) : fail("code lens shows count", lens.text);
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(SHOTS, "vscode-counter.png") });

  // Hover the nested function: cursor on its name, then Ctrl+K Ctrl+I.
  await editor.locator(".view-lines").click();
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
  await page.keyboard.type(`${nested.line}:${nested.column + 1}`);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  const hover = await waitText("the hover", page.locator(".monaco-hover-content"), (t) => t.includes("count"));
  await page.waitForTimeout(800); // let the hover fade in before the screenshot
  hover.ok ? ok(`hover on ${nested.name} shows count`, oneLine(hover.text)) : fail(`hover on ${nested.name} shows count`, hover.text);
  await page.screenshot({ path: path.join(SHOTS, "vscode-hover.png") });
  await page.keyboard.press("Escape");

  // Click the closure's lens: the references peek opens on the binding of count.
  const closureLens = editor.locator(".codelens-decoration a", { hasText: "count" }).last();
  if (await closureLens.count()) {
    await closureLens.click();
    const peek = await waitText("the references peek", page.locator(".peekview-widget"), (t) => /count\s*=/.test(t));
    peek.ok ? ok("lens opens the references peek", oneLine(peek.text, 160)) : fail("lens opens the references peek", peek.text);
    await page.screenshot({ path: path.join(SHOTS, "vscode-peek.png") });
    await page.keyboard.press("Escape");
  } else {
    fail("lens opens the references peek", "no code lens link to click");
  }

  // nonlocal_error.py: the diagnostic, in the Problems panel.
  await openFile("nonlocal_error.py");
  await page.keyboard.press("Control+Shift+M");
  const want = "no binding for nonlocal 'zz' found";
  const diag = await waitText("the diagnostic", page.locator(".markers-panel"), (t) => t.includes(want) && t.includes("closure-lens"));
  diag.ok ? ok(`diagnostic: ${want}`, oneLine(diag.text, 160)) : fail(`diagnostic: ${want}`, diag.text);
  await page.screenshot({ path: path.join(SHOTS, "vscode-diagnostic.png") });

  // An imported decorator: the hover on `@retry(3, delay=0.5)` in decorators/app.py follows
  // `from decos import retry` into decos.py (what it binds is checked against CPython by
  // tests/lsp_decorators.rs; here, that VS Code shows it), and F12 on `retry` opens decos.py.
  await openFile("decorators/app.py");
  const app = page.locator(".editor-group-container.active .monaco-editor").first();
  await app.locator(".view-lines").waitFor();
  async function goToPos(line, column) {
    await app.locator(".view-lines").click();
    await page.keyboard.press("Control+G");
    await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
    await page.keyboard.type(`${line}:${column}`);
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
  }
  await goToPos(5, 11); // on "delay"
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  const deco = await waitText("the hover on the imported decorator", page.locator(".monaco-hover-content"),
    (t) => t.includes("retry.<locals>.decorator.<locals>.wrapper") && t.includes("delay=0.5") && t.includes("functools.wraps"));
  deco.ok ? ok("hover on an imported decorator names what fetch becomes and the bound cells", oneLine(deco.text, 200)) : fail("hover on an imported decorator names what fetch becomes and the bound cells", deco.text);
  await page.keyboard.press("Escape");
  await goToPos(5, 3); // on "retry"
  await page.keyboard.press("F12");
  const jumped = await page.locator('.tab.active[data-resource-name="decos.py"]').first().waitFor({ timeout: TIMEOUT }).then(() => true, () => false);
  jumped ? ok("F12 on the imported decorator opens decos.py") : fail("F12 on the imported decorator opens decos.py", "decos.py did not become the active tab");
  await page.keyboard.press("Escape");
  await page.waitForTimeout(500);

  await editingFlows(page, openFile, waitText);

  // The Output channel exists (Closure Lens: Show Output).
  await page.keyboard.press("F1");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
  await page.keyboard.type("Closure Lens: Show Output");
  const cmd = await waitText("the command in the palette", page.locator(".quick-input-list"), (t) => t.includes("Closure Lens: Show Output"));
  if (cmd.ok) {
    await page.keyboard.press("Enter");
    const how = BUNDLED ? "found via bundled" : "found via setting";
    const out = await waitText("the Closure Lens output", page.locator(".output-view, .panel .monaco-editor"), (t) => t.includes("started") && t.includes(how));
    out.ok ? ok(`Show Output shows the server log (${how})`, oneLine(out.text.match(/starting[^|]*/)?.[0] ?? "", 160)) : fail(`Show Output shows the server log (${how})`, oneLine(out.text, 1000));
  } else {
    fail("command Closure Lens: Show Output is in the palette", cmd.text);
  }

  // Settings reach the running server without a restart: untick closureLens.inlayHints.enable in the
  // Settings editor, as a user would, and watch the hint go away (and come back).
  async function toggleSetting(id) {
    await page.keyboard.press("Control+,");
    await page.locator(".settings-editor").waitFor();
    await page.waitForTimeout(500);
    await page.keyboard.type(id);
    const box = page.locator(`.settings-editor .setting-value-checkbox[aria-label="${id}"]`).first();
    await box.waitFor();
    await page.waitForTimeout(300);
    const state = async () => ((await box.getAttribute("class")) ?? "").split(/\s+/).includes("checked");
    const before = await state();
    await box.click();
    await page.waitForTimeout(1000);
    const after = await state();
    console.log(`vscode-e2e: ${id}: ${before} -> ${after} in the Settings editor`);
    await page.keyboard.press("Escape"); // close the settings (a modal in VS Code 1.139)
    await page.waitForTimeout(300);
    if (await page.locator(".settings-editor").isVisible()) {
      await page.keyboard.press("Control+W");
    }
  }
  await openFile(counterName);
  const ed = page.locator(".editor-group-container.active .monaco-editor").first();
  await waitText("the inlay hint again", ed.locator(".view-lines"), (t) => t.includes("captures("));
  await toggleSetting("closureLens.inlayHints.enable");
  await openFile(counterName);
  const off = await waitText("the inlay hint to go away", ed.locator(".view-lines"), (t) => t.includes("def") && !t.includes("captures("));
  off.ok ? ok("unticking closureLens.inlayHints.enable hides the hint without a restart") : fail("unticking closureLens.inlayHints.enable hides the hint without a restart", off.text);
  await page.screenshot({ path: path.join(SHOTS, "vscode-hints-off.png") });
  await toggleSetting("closureLens.inlayHints.enable");
  await openFile(counterName);
  const on = await waitText("the inlay hint to come back", ed.locator(".view-lines"), (t) => t.includes("captures("));
  on.ok ? ok("ticking it again brings the hint back") : fail("ticking it again brings the hint back", on.text);

  // Closure Lens: Restart Server: the lenses come back from the new server.
  await page.keyboard.press("F1");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
  await page.keyboard.type("Closure Lens: Restart Server");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "Closure Lens: Restart Server" }).first().waitFor();
  await page.keyboard.press("Enter");
  const outText = page.locator(".output-view, .panel .monaco-editor");
  const restarted = await waitText("the restart in the output", outText, (t) => (t.match(/started closure-lens/g) || []).length >= 2 || t.includes("restarting"));
  const back = await waitText("the code lens after the restart", ed.locator(".codelens-decoration"), (t) => t.includes("count"));
  restarted.ok && back.ok ? ok("Closure Lens: Restart Server", oneLine(back.text, 80)) : fail("Closure Lens: Restart Server", restarted.ok ? back.text : restarted.text);

  // A server path that points nowhere: one notification that says how to install the server.
  await page.keyboard.press("Control+,");
  await page.locator(".settings-editor").waitFor();
  await page.waitForTimeout(500);
  await page.keyboard.type("closureLens.server.path");
  // A machine-overridable setting: in a remote window (code-server) it lives under the Remote tab.
  await page.locator(".settings-editor .settings-tabs-widget .action-label", { hasText: "Remote" }).first().click();
  // The input of exactly this setting (until the search has filtered, the first input on the page
  // belongs to another setting).
  const input = page.locator('.settings-editor input[aria-label="closureLens.server.path"]').first();
  await input.waitFor();
  await page.waitForTimeout(300);
  await input.fill("/nonexistent/closure-lens");
  await input.press("Enter");
  const toast = await waitText("the not-found notification", page.locator(".notifications-toasts, .notifications-center"), (t) => t.includes("no executable file is there"));
  const toastOk = toast.ok && toast.text.includes("cargo install closure-lens");
  toastOk ? ok("a bad closureLens.server.path gives one notification with install instructions", oneLine(toast.text, 200)) : fail("a bad closureLens.server.path gives one notification with install instructions", toast.text);
  await page.screenshot({ path: path.join(SHOTS, "vscode-not-found.png") });
};

// The README screenshot: late_binding.py with its hints, lenses and semantic colours, the hover of
// the late-binding diagnostic open on the loop's lambda; the editor area only, sidebar closed.
async function screenshot(page, openFile, waitText) {
  const name = "late_binding.py";
  const text = readFileSync(path.join(workspace, name), "utf8").split("\n");
  await openFile(name);
  await page.keyboard.press("Control+B"); // close the sidebar
  const editor = page.locator(".editor-group-container.active .monaco-editor").first();
  const hint = await waitText("the inlay hints", editor.locator(".view-lines"), (t) => t.includes("captures("));
  const lens = await waitText("the code lenses", editor.locator(".codelens-decoration"), (t) => t.includes("count"));
  const squiggle = await waitText("the diagnostic", page.locator(".markers-panel, .squiggly-warning").first(), () => true);
  const line = text.findIndex((l) => l.includes("lambda: i"));
  await editor.locator(".view-lines").click();
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
  await page.keyboard.type(`${line + 1}:${text[line].indexOf("lambda") + 1}`);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(1500); // semantic tokens arrive after the text is shown
  await page.keyboard.press("Control+K");
  await page.keyboard.press("Control+I");
  const hover = await waitText("the diagnostic hover", page.locator(".monaco-hover-content"), (t) => t.includes("iteration"));
  await page.waitForTimeout(800);
  [hint, lens, squiggle, hover].every((r) => r.ok)
    ? ok("screenshot: hints, lenses, the late-binding hover")
    : fail("screenshot: hints, lenses, the late-binding hover", [hint, lens, squiggle, hover].map((r) => r.text).join(" / "));
  const box = await page.locator(".editor-group-container.active").first().boundingBox();
  await page.screenshot({ path: SCREENSHOT, clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 560) } });
  ok("screenshot", SCREENSHOT);
}

// late_binding.py: the late-binding diagnostics, the preferred quick fix (Auto Fix), fix-all on save,
// semantic tokens (Developer: Inspect Editor Tokens and Scopes), references and rename (F2), all
// through VS Code's own machinery. The fixes' expected text is the server's behaviour judged by
// CPython in tests/closure_bugs/; here they are checked by structure, and the saved file is run.
async function editingFlows(page, openFile, waitText) {
  const name = "late_binding.py";
  const file = path.join(workspace, name);
  const original = readFileSync(file, "utf8");
  const run = () => {
    const out = spawnSync("python3", [file], { encoding: "utf8" });
    try {
      return JSON.parse(out.stdout);
    } catch {
      return { error: out.stdout + out.stderr };
    }
  };
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const words = (text, word) => (text.match(new RegExp(`\\b${word}\\b`, "g")) || []).length;
  const at = (text, needle, nth = 0) => { // 1-based line and column of the nth needle
    const lines = text.split("\n");
    let seen = 0;
    for (let i = 0; i < lines.length; i++) {
      let from = 0;
      for (let c; (c = lines[i].indexOf(needle, from)) >= 0; from = c + 1) {
        if (seen++ === nth) {
          return { line: i + 1, column: c + 1 };
        }
      }
    }
    throw new Error(`${needle} not in ${name}`);
  };
  async function goTo(pos) {
    await page.keyboard.press("Control+G");
    await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
    await page.keyboard.type(`${pos.line}:${pos.column}`);
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
  }
  async function command(label) {
    await page.keyboard.press("F1");
    await page.locator(".quick-input-widget input").waitFor({ state: "visible" });
    await page.keyboard.type(label);
    await page.locator(".quick-input-list .monaco-list-row", { hasText: label }).first().waitFor();
    await page.keyboard.press("Enter");
  }
  // Waits until the file on disk is exactly `expected`. A predicate weaker than equality is not enough:
  // code-server truncates the file before writing it, so a read can see it empty or half written.
  async function saved(what, expected) {
    const deadline = Date.now() + TIMEOUT;
    let text = "";
    while (Date.now() < deadline) {
      text = readFileSync(file, "utf8");
      if (text === expected) {
        return { ok: true, text };
      }
      await page.waitForTimeout(250);
    }
    return { ok: false, text: `timed out waiting for ${what}; on disk:\n${text}` };
  }
  const check = (name, cond, good, bad) => (cond ? ok(name, good) : fail(name, bad));

  const before = run();
  check("python3: the fixture has the bug (every handler sees the last i)", same(before.handlers, [2, 2, 2]), "", JSON.stringify(before));

  // 1. The diagnostics in the Problems panel: code and position.
  await openFile(name);
  const editor = page.locator(".editor-group-container.active .monaco-editor").first();
  await editor.locator(".view-lines").waitFor();
  await page.keyboard.press("Control+Shift+M");
  const markers = page.locator(".markers-panel");
  const lambda = at(original, "lambda: i");
  const two = await waitText("two late-binding diagnostics", markers, (t) => words(t, "late-binding") === 2);
  check("two late-binding diagnostics in the Problems panel", two.ok, oneLine(two.text, 160), two.text);
  check(
    "the first is on the lambda in the loop",
    two.text.includes(`[Ln ${lambda.line}, Col ${lambda.column}]`),
    `Ln ${lambda.line}, Col ${lambda.column}`,
    `no [Ln ${lambda.line}, Col ${lambda.column}] in ${oneLine(two.text, 400)}`,
  );

  // 2. The quick fixes (Ctrl+.), then Auto Fix, which applies the one fix marked preferred.
  await editor.locator(".view-lines").click();
  await goTo(lambda);
  await page.keyboard.press("Control+.");
  const menu = await waitText("the quick fix menu", page.locator(".action-widget"), (t) => t.includes("Bind"));
  check("Ctrl+. offers the quick fixes", menu.ok, oneLine(menu.text, 200), menu.text);
  await page.keyboard.press("Escape");
  await command("Auto Fix");
  const lines = editor.locator(".view-lines");
  const fixed = await waitText("the preferred fix in the editor", lines, (t) => t.includes("lambda i=i: i"));
  check("Auto Fix applies the preferred fix: lambda: i becomes lambda i=i: i", fixed.ok && !fixed.text.includes("lambda n=n"), "", fixed.text);
  const one = await waitText("one late-binding diagnostic left", markers, (t) => words(t, "late-binding") === 1);
  check("its diagnostic is gone, the other stays", one.ok, "", one.text);

  // 3. Fix all on save (editor.codeActionsOnSave: source.fixAll.closure-lens).
  await editor.locator(".view-lines").click();
  await page.keyboard.press("Control+S");
  const expected = original.replace("lambda: i", "lambda i=i: i").replace("lambda: n * n", "lambda n=n: n * n");
  const all = await saved("fix-all on save", expected);
  check("saving runs source.fixAll.closure-lens: the comprehension's lambda is fixed, nothing else changes", all.ok, "", all.text);
  const after = run();
  check(
    "python3 on the saved file: each closure sees its own value",
    same(after.handlers, [0, 1, 2]) && same(after.squares, [0, 1, 4]),
    JSON.stringify(after),
    JSON.stringify(after),
  );
  const none = await waitText("no late-binding diagnostic", markers, (t) => words(t, "late-binding") === 0);
  check("no late-binding diagnostic after fix-all", none.ok, "", none.text);
  await page.screenshot({ path: path.join(SHOTS, "vscode-fixed.png") });

  // 4. Semantic tokens: the last `count` (in `return count` of increment) is variable.captured.
  const text = readFileSync(file, "utf8");
  const uses = words(text, "count");
  const read = at(text, "return count");
  read.column += "return ".length;
  await editor.locator(".view-lines").click();
  await goTo(read);
  await command("Developer: Inspect Editor Tokens and Scopes");
  const inspect = await waitText("the token inspector", page.locator(".token-inspect-widget"), (t) => t.includes("semantic token type"));
  check(
    "semantic token on a captured count: type variable, modifier captured",
    inspect.ok && /semantic token type\s*variable/.test(inspect.text) && /modifiers\s*[^|]*captured/.test(inspect.text),
    oneLine(inspect.text.match(/semantic token type[\s\S]*?modifiers[^\n]*/)?.[0] ?? "", 120),
    oneLine(inspect.text, 600),
  );
  await page.screenshot({ path: path.join(SHOTS, "vscode-tokens.png") });
  await page.keyboard.press("Escape");

  // 5. References (Shift+F12): every count, declaration included.
  await editor.locator(".view-lines").click();
  await goTo(read);
  await page.keyboard.press("Shift+F12");
  const count = /References \((\d+)\)/; // the peek's title: "References (4)"
  const refs = await waitText("the references peek", page.locator(".peekview-widget .peekview-title"), (t) => count.test(t));
  const n = Number(refs.text.match(count)?.[1]);
  check(`Shift+F12 finds every count (${uses} in the file)`, refs.ok && n === uses, oneLine(refs.text, 120), refs.text);
  await page.keyboard.press("Escape");

  // 6. Rename (F2) count to total, save, run.
  await editor.locator(".view-lines").click();
  await goTo(read);
  await page.keyboard.press("F2");
  const box = page.locator(".rename-box input, .rename-box textarea").first();
  await box.waitFor();
  const proposed = await box.inputValue();
  await box.fill("total");
  await box.press("Enter");
  // The edit comes back from the server asynchronously: save once the editor shows it.
  await waitText("the rename in the editor", editor.locator(".view-lines"), (t) => /\btotal\b/.test(t));
  await page.keyboard.press("Control+S");
  const renamed = await saved("the rename on disk", text.replace(/\bcount\b/g, "total"));
  check(
    "F2 renames every count (and nothing else) to total",
    proposed === "count" && renamed.ok,
    `${uses} occurrences`,
    `proposed ${proposed}; ${renamed.text}`,
  );
  const final = run();
  check("python3 on the renamed file: the counter still counts", same(final.counter, [1, 2]), JSON.stringify(final), JSON.stringify(final));
}

try {
  await main();
} catch (err) {
  fail("e2e script", err?.stack ?? String(err));
  await pageForShots?.screenshot({ path: path.join(SHOTS, "vscode-failure.png") }).catch(() => {});
} finally {
  await browser?.close().catch(() => {});
}
finish();
