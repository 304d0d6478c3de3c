// Every capability's timeline texts, registered once on import.
import './texts-case.js';
import './texts-application.js';
import './texts-decision.js';
import './texts-payment.js';
