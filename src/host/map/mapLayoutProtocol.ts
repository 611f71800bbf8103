/** Messages between the host and the layout worker thread (`mapLayoutWorker.ts`). */
import type { MapLayoutInput } from '../../core/mapLayout';
import type { MapLayout } from '../../shared/mapMessages';

export interface LayoutRequest {
  id: number;
  input: MapLayoutInput;
}

export type LayoutResponse = { id: number; layout: MapLayout; error?: undefined } | { id: number; error: string; layout?: undefined };
