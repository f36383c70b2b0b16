/**
 * The abort reason when the process stops (not a user's cancel): the run is recorded as `interrupted` and a
 * pending approval stays pending, to be answered after the restart.
 */
export class ProcessStopping extends Error {
  constructor() {
    super('the server is shutting down');
    this.name = 'ProcessStopping';
  }
}
