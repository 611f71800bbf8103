/**
 * Stack traces as Lambda shows them. The demo runs the built bundles from
 * `examples/.aws-sam/build/<LogicalId>/`; in Lambda the same file is `/var/task/<bundle>`, layer
 * packages sit under `/opt/nodejs/node_modules/` and the runtime under `/var/runtime/`. Installed
 * once per process as `Error.prepareStackTrace`, it rewrites every error's stack (the text the X-Ray
 * SDK, OpenTelemetry and the `Invoke Error` log line all read) with V8's own frame format.
 */
import { sep } from 'node:path';

export interface StackPathRules {
  /** Build output folders, each standing for `/var/task/`. */
  taskRoots: string[];
  /** The repository's node_modules: packages the runtime provides (layers). */
  layerModules: string;
  /** Files of the demo runtime itself. */
  runtimeDir: string;
}

export function rewritePath(file: string, rules: StackPathRules): string {
  for (const root of rules.taskRoots) {
    if (file.startsWith(root + sep)) return `/var/task/${file.slice(root.length + 1)}`;
  }
  if (file.startsWith(rules.layerModules + sep)) return `/opt/nodejs/node_modules/${file.slice(rules.layerModules.length + 1)}`;
  if (file.startsWith(rules.runtimeDir + sep)) return '/var/runtime/index.mjs';
  return file;
}

/** Replaces each absolute path in a V8 frame with its Lambda form. */
function rewriteFrame(frame: string, rules: StackPathRules): string {
  return frame.replace(/(\/[^\s():]+)(?=:\d+:\d+)/g, (path) => rewritePath(path, rules));
}

let installed: StackPathRules | undefined;

export function installLambdaStackPaths(rules: StackPathRules): void {
  if (installed !== undefined) {
    installed.taskRoots.push(...rules.taskRoots.filter((root) => !installed?.taskRoots.includes(root)));
    return;
  }
  installed = { ...rules, taskRoots: [...rules.taskRoots] };
  const active = installed;
  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]): string => {
    const head = safeToString(error);
    return sites.length === 0 ? head : `${head}\n${sites.map((site) => `    at ${rewriteFrame(String(site), active)}`).join('\n')}`;
  };
}

function safeToString(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}
