/** The version the API and the CLI report. */
export const VERSION = '0.1.0';
