import { LabIcon } from '@jupyterlab/ui-components';

const QUEUE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16"><g class="jp-icon3" fill="#616161"><path d="M3 4h12v2H3zm0 5h12v2H3zm0 5h7v2H3zm13-1 5 4-5 4z"/></g></svg>`;
const LABEL_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16"><g class="jp-icon3" fill="#616161"><path d="M3 3h8l10 10-8 8L3 11zm4 2.5A1.5 1.5 0 1 0 7 8.5a1.5 1.5 0 0 0 0-3z"/></g></svg>`;
const JOBS_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16"><g class="jp-icon3" fill="#616161"><path d="M4 4h16v4H4zm0 6h16v4H4zm0 6h16v4H4zm2-11v2h6V5zm0 6v2h9v-2zm0 6v2h3v-2z"/></g></svg>`;

/** Queue a job: the submit buttons and commands. */
export const queueIcon = new LabIcon({ name: 'dofc:queue', svgstr: QUEUE_SVG });

/** The L/H label of a cell. */
export const labelIcon = new LabIcon({ name: 'dofc:label', svgstr: LABEL_SVG });

/** The jobs sidebar. */
export const jobsIcon = new LabIcon({ name: 'dofc:jobs', svgstr: JOBS_SVG });
