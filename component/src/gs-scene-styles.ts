// <gs-scene>'s shadow-DOM styles: canvas, poster, fallback, loading bar, error message and banner.
import { css } from 'lit';

export const gsSceneStyles = css`
    :host { display: block; position: relative; width: 300px; height: 150px; overflow: hidden; }
    :host([hidden]) { display: none; }
    canvas { display: block; width: 100%; height: 100%; outline: none; touch-action: pan-x pan-y; }
    canvas:focus { touch-action: none; }
    canvas:focus-visible { box-shadow: inset 0 0 0 2px Highlight; }
    .message { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
      padding: 1em; text-align: center; font: 14px/1.4 system-ui, sans-serif; color: #eee; background: #222c; }
    /* No transition: an animated bar re-composites the page every frame while loading, work that the
       GPU process (which also runs WebGPU) does slowly on software GPUs. */
    .progress { position: absolute; left: 0; bottom: 0; height: 3px; background: #4af; }
    .poster, .fallback { position: absolute; inset: 0; pointer-events: none; }
    .fallback { pointer-events: auto; display: flex; align-items: center; justify-content: center; }
    .poster ::slotted(*), .fallback ::slotted(*) { width: 100%; height: 100%; box-sizing: border-box; }
    .poster img, .poster ::slotted(img), .fallback ::slotted(img) { display: block; object-fit: cover; }
    .poster img { width: 100%; height: 100%; }
    .banner { position: absolute; left: 0; right: 0; bottom: 0; padding: 0.3em 0.6em;
      font: 12px/1.4 system-ui, sans-serif; color: #eee; background: #222c; }
    .hidden-text { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
    canvas.unrevealed { opacity: 0; }
`;
