// `loadDataset(path)`: a NeRF/Blender folder or transforms file, or a COLMAP project (folder with sparse/0
// and images/), to the Dataset of dataset.ts. Picks the loader (blender.ts, colmap.ts); they share dataset.ts.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadBlender } from './blender.ts';
import { loadColmap } from './colmap.ts';
import { findColmapSparse } from './colmap-model.ts';
import type { Dataset, DatasetOptions } from './dataset.ts';
import { DatasetError } from './dataset-error.ts';

/** Loads a NeRF/Blender or COLMAP dataset from a folder (or a transforms*.json file). */
export function loadDataset(path: string, options: DatasetOptions = {}): Dataset {
  if (!existsSync(path)) throw new DatasetError(path, 'does not exist');
  if (statSync(path).isFile()) {
    if (path.endsWith('.json')) return loadBlender(path, options);
    throw new DatasetError(path, 'is a file but not a transforms*.json: pass a dataset folder');
  }
  if (['transforms.json', 'transforms_train.json'].some((f) => existsSync(join(path, f))))
    return loadBlender(path, options);
  if (findColmapSparse(path)) return loadColmap(path, options);
  throw new DatasetError(
    path,
    'is neither a NeRF/Blender dataset (transforms.json / transforms_train.json) nor a COLMAP project (sparse/0 or sparse/ with cameras, images)',
  );
}
