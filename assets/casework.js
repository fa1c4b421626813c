// casework page script: marks the page as JavaScript-enabled for GOV.UK
// Frontend (done here, not inline, because the Content-Security-Policy allows
// no inline script) and starts its components.
import { initAll } from '/assets/govuk-frontend.min.js';

document.body.classList.add('js-enabled');
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported');
}
initAll();
