/**
 * The AWS layer, loaded on first use. The SDK is the heaviest part of the bundle; evaluating it
 * only when the Traces view first asks for data (or a command needs it) keeps activation in the
 * tens of milliseconds. esbuild keeps these modules in the one bundle but defers their
 * initialization to the first `import()`.
 */
import type * as ClientFactoryModule from '../../aws/clientFactory';
import type * as AwsErrorsModule from '../../aws/awsErrors';
import type * as AwsProfilesModule from '../../aws/awsProfiles';
import type * as CloudWatchLogsModule from '../../aws/cloudWatchLogs';
import type * as LambdaLogGroupsModule from '../../aws/lambdaLogGroups';
import type * as TraceLogsModule from '../../aws/traceLogs';
import type * as TraceFetcherModule from '../../aws/xrayTraceFetcher';
import type * as TraceSearchModule from '../../aws/xrayTraceSearch';
import type * as TraceBuilderModule from '../../core/traceBuilder';

export interface AwsModules {
  clientFactory: typeof ClientFactoryModule;
  traceSearch: typeof TraceSearchModule;
  traceFetcher: typeof TraceFetcherModule;
  traceBuilder: typeof TraceBuilderModule;
  cloudWatchLogs: typeof CloudWatchLogsModule;
  traceLogs: typeof TraceLogsModule;
  lambdaLogGroups: typeof LambdaLogGroupsModule;
}

let awsModules: Promise<AwsModules> | undefined;
let profilesModule: Promise<typeof AwsProfilesModule> | undefined;
let errorsModule: Promise<typeof AwsErrorsModule> | undefined;

/** The SDK-backed modules a connection needs. */
export function loadAwsModules(): Promise<AwsModules> {
  awsModules ??= Promise.all([
    import('../../aws/clientFactory'),
    import('../../aws/xrayTraceSearch'),
    import('../../aws/xrayTraceFetcher'),
    import('../../core/traceBuilder'),
    import('../../aws/cloudWatchLogs'),
    import('../../aws/traceLogs'),
    import('../../aws/lambdaLogGroups'),
  ]).then(([clientFactory, traceSearch, traceFetcher, traceBuilder, cloudWatchLogs, traceLogs, lambdaLogGroups]) => ({ clientFactory, traceSearch, traceFetcher, traceBuilder, cloudWatchLogs, traceLogs, lambdaLogGroups }));
  return awsModules;
}

/** Shared config/credentials file reading (profiles, regions); no network. */
export function loadAwsProfiles(): Promise<typeof AwsProfilesModule> {
  profilesModule ??= import('../../aws/awsProfiles');
  return profilesModule;
}

/** Error classification, needed only when something failed. */
export function loadAwsErrors(): Promise<typeof AwsErrorsModule> {
  errorsModule ??= import('../../aws/awsErrors');
  return errorsModule;
}
