// README.md's request examples run as written (test/support/doc-runner.ts), from empty storage.
import { docPage } from "../../support/doc-runner.ts";

docPage("README.md");
