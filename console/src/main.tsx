import { render } from 'preact';
import { App } from './app.js';
// The stylesheet is bundled by Vite (a side effect by design).
// oxlint-disable-next-line import/no-unassigned-import
import './style.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
