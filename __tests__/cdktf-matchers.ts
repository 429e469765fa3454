// cdktf's jest matchers (toHaveResourceWithProperties, ...), for the test files that use them.
// Not a setup file for every test: loading cdktf costs each test file a few hundred milliseconds.
import { Testing } from "../lib/cdk";
// Brings the matchers' types into the type-check.
import "cdktf/lib/testing/adapters/jest";

Testing.setupJest();
