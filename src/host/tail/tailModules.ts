/**
 * The AWS parts of the tail, loaded on first use (as `connection/awsModules.ts` loads the rest):
 * activating the extension loads neither the Live Tail event-stream code nor the Lambda client.
 */
import type * as LiveTailModule from '../../aws/liveTail';
import type * as LambdaFunctionsModule from '../../aws/lambdaFunctions';

export interface TailModules {
  liveTail: typeof LiveTailModule;
  lambdaFunctions: typeof LambdaFunctionsModule;
}

let modules: Promise<TailModules> | undefined;

export function loadTailModules(): Promise<TailModules> {
  modules ??= Promise.all([import('../../aws/liveTail'), import('../../aws/lambdaFunctions')]).then(([liveTail, lambdaFunctions]) => ({ liveTail, lambdaFunctions }));
  return modules;
}
