export { buildProgram, main, CliError, ExitCode } from './program.js';
