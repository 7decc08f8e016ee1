import { test } from "node:test";
import * as assert from "node:assert/strict";
import { pythonApi, selectedEnvironment, type ExtensionLike, type PythonExtensionApi } from "../src/pythonEnvironment";

/** A stand-in for the Python extension's API: one active environment. */
function stubApi(resolved: Awaited<ReturnType<PythonExtensionApi["environments"]["resolveEnvironment"]>>, activePath = "/proj/.venv/bin/python") {
  const calls: unknown[] = [];
  const api: PythonExtensionApi = {
    environments: {
      getActiveEnvironmentPath(resource?: unknown) {
        calls.push(resource);
        return { id: activePath, path: activePath };
      },
      async resolveEnvironment() {
        return resolved;
      },
    },
  };
  return { api, calls };
}

function extension(exports: unknown, isActive = true): ExtensionLike & { activations: number } {
  const ext = {
    isActive,
    exports: isActive ? exports : undefined,
    activations: 0,
    async activate() {
      ext.activations += 1;
      return exports;
    },
  };
  return ext;
}

test("the selected environment's interpreter and prefix come from the Python extension", async () => {
  const { api, calls } = stubApi({ executable: { uri: { fsPath: "/proj/.venv/bin/python" }, sysPrefix: "/proj/.venv" } });
  const env = await selectedEnvironment(await pythonApi(extension(api)), "folder-uri");
  assert.deepEqual(env, { executable: "/proj/.venv/bin/python", sysPrefix: "/proj/.venv" });
  assert.deepEqual(calls, ["folder-uri"], "asked for the workspace folder's environment");
});

test("an inactive Python extension is activated first", async () => {
  const { api } = stubApi({ executable: { uri: { fsPath: "/e/bin/python" }, sysPrefix: "/e" } });
  const ext = extension(api, false);
  assert.ok(await pythonApi(ext));
  assert.equal(ext.activations, 1);
});

test("no Python extension, an unusable one or a failing one: no environment", async () => {
  assert.equal(await pythonApi(undefined), undefined);
  assert.equal(await pythonApi(extension({ something: "else" })), undefined);
  const failing: ExtensionLike = { isActive: false, exports: undefined, activate: () => Promise.reject(new Error("boom")) };
  assert.equal(await pythonApi(failing), undefined);
  assert.equal(await selectedEnvironment(undefined), undefined);
  const throwing: PythonExtensionApi = {
    environments: {
      getActiveEnvironmentPath() {
        throw new Error("no workspace");
      },
      resolveEnvironment: async () => undefined,
    },
  };
  assert.equal(await selectedEnvironment(throwing), undefined);
});

test("an unresolved environment is used only when its path is an interpreter path", async () => {
  assert.deepEqual(await selectedEnvironment(stubApi(undefined, "/usr/bin/python3").api), {
    executable: "/usr/bin/python3",
    sysPrefix: undefined,
  });
  assert.equal(await selectedEnvironment(stubApi(undefined, "python").api), undefined);
});
