// React 19 JSX typings for <gs-scene> (types only): add `import type {} from 'gs-scene/react';` once in a
// React + TypeScript project. React 19 sets a custom element's known properties as properties, the rest
// as attributes, and an `on<event>` prop (event name as dispatched) as an event listener.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { GsScene, GsSceneEventMap, GsSceneEvents } from './index.ts';

/** The element's attributes (kebab-case, strings as in HTML) and properties. */
export interface GsSceneAttributes {
  src?: string;
  'camera-position'?: string;
  'camera-target'?: string;
  'camera-up'?: string;
  fov?: number | string;
  background?: string;
  'sh-degree'?: 0 | 1 | 2 | 3 | '0' | '1' | '2' | '3';
  controls?: 'orbit' | 'none';
  'auto-rotate'?: boolean;
  'max-splats'?: number | string;
  'pixel-ratio'?: number | string;
  loading?: 'eager' | 'lazy';
  alt?: string;
}

/** `on<event>` listener props for the element's own events. */
export type GsSceneEventProps = {
  [K in keyof GsSceneEvents as `on${K}`]?: (event: GsSceneEventMap[K]) => void;
};

export type GsSceneJsxProps = Omit<
  DetailedHTMLProps<HTMLAttributes<GsScene>, GsScene>,
  'onProgress' | 'onLoad' | 'onError'
> &
  GsSceneAttributes &
  GsSceneEventProps;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'gs-scene': GsSceneJsxProps;
    }
  }
}
