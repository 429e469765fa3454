// The "stand-in" suite: its files are listed in __tests__/suites.js.
import { include } from "./include";

include("stand-in");
