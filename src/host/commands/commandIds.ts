/** The command ids contributed in package.json, named once. */
export const COMMANDS = {
  refreshTraces: 'serverlessLens.refreshTraces',
  showErrorsOnly: 'serverlessLens.showErrorsOnly',
  showAllTraces: 'serverlessLens.showAllTraces',
  pickTimeRange: 'serverlessLens.pickTimeRange',
  setFilterExpression: 'serverlessLens.setFilterExpression',
  clearFilter: 'serverlessLens.clearFilter',
  loadMoreTraces: 'serverlessLens.loadMoreTraces',
  openTrace: 'serverlessLens.openTrace',
  pickConnection: 'serverlessLens.pickConnection',
  pickProfile: 'serverlessLens.pickProfile',
  pickRegion: 'serverlessLens.pickRegion',
  signIn: 'serverlessLens.signIn',
  showLogs: 'serverlessLens.showLogs',
  copyTraceId: 'serverlessLens.copyTraceId',
  openTraceInConsole: 'serverlessLens.openTraceInConsole',
} as const;
