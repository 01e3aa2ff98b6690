/** `npm run --silent cli -- <command> ...`: see src/cli/cli.ts and `--help`. */
import process from "node:process";
import { runCli } from "./cli";

const r = await runCli(process.argv.slice(2));
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
process.exitCode = r.code;
