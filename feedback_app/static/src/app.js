// Progressive enhancement only: every journey works without this file.
import { initAll } from './govuk-frontend-6.3.0.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
