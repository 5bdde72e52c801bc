/** Console errors a test announces in advance; any other console.error fails the test. */
export const expectedConsoleErrors: RegExp[] = [];

export function expectConsoleError(pattern: RegExp): void {
  expectedConsoleErrors.push(pattern);
}
