// The "docs" suite: its files are listed in __tests__/suites.js.
import { include } from "./include";

include("docs");
