// GOV.UK Frontend components (menu toggle, buttons). Every page works without this script.
import { initAll } from "/govuk/govuk-frontend.min.js";
initAll();
