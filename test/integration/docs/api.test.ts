// docs/api.md's request examples run as written (test/support/doc-runner.ts), from empty storage.
import { docPage } from "../../support/doc-runner.ts";

docPage("docs/api.md");
